import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { UploadGc } from './upload-gc.service';

@Module({ imports: [UploadsModule], providers: [UploadGc] })
export class GcModule {}
