import { grpcClientModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { MessagesRepository } from '../messages/messages.repository';
import { FileAccess } from './file-access.service';
import { FILE_GRPC, FileClient } from './file.client';
import { FileProxy } from './file-proxy';
import { FilesController } from './files.controller';

@Global()
@Module({})
export class FilesModule {
  static register(fileGrpcUrl: string): DynamicModule {
    return {
      module: FilesModule,
      imports: [grpcClientModule(FILE_GRPC, GrpcContracts.file, fileGrpcUrl)],
      controllers: [FilesController],
      providers: [FileClient, FileAccess, FileProxy, MessagesRepository],
      exports: [FileAccess],
    };
  }
}
