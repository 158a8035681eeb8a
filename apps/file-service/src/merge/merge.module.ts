import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { MergeConsumer } from './merge.consumer';
import { MergeService } from './merge.service';

@Module({ imports: [UploadsModule], providers: [MergeService, MergeConsumer] })
export class MergeModule {}
