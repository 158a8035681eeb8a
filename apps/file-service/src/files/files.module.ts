import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { FilesGrpcController } from './files.grpc-controller';

@Module({ imports: [UploadsModule], controllers: [FilesGrpcController] })
export class FilesModule {}
