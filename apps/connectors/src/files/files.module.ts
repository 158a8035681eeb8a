import { grpcClientModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { Module, type DynamicModule } from '@nestjs/common';
import { FILE_GRPC, FileLinks } from './file-links.client';

// file-service over gRPC: the links file messages are sent with.
@Module({})
export class FilesModule {
  static register(fileGrpcUrl: string): DynamicModule {
    return {
      module: FilesModule,
      imports: [grpcClientModule(FILE_GRPC, GrpcContracts.file, fileGrpcUrl)],
      providers: [FileLinks],
      exports: [FileLinks],
    };
  }
}
