import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { TusController } from './tus.controller';
import { TusService } from './tus.service';

@Module({
  imports: [UploadsModule],
  controllers: [TusController],
  providers: [TusService],
})
export class TusModule {}
