import { ProblemException } from '@chat4all/platform';
import { fileV1 } from '@chat4all/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { GatewayFileProblems } from '@chat4all/contracts';

export const FILE_GRPC = Symbol('FILE_GRPC');
const DEADLINE_MS = 3000;

const grpcCode = (error: unknown): number | undefined => (error as { code?: number }).code;

// gateway's side of file-service's FileService (proto/chat4all/file/v1): a file's metadata and a
// download URL. Undefined for an id file-service does not hold.
@Injectable()
export class FileClient implements OnModuleInit {
  private service!: fileV1.FileServiceClient;

  constructor(@Inject(FILE_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<fileV1.FileServiceClient>(fileV1.FILE_SERVICE_NAME);
  }

  async get(fileId: string, withDownloadUrl: boolean): Promise<fileV1.FileMetadata | undefined> {
    try {
      return (await firstValueFrom(this.service.getFile({ fileId, withDownloadUrl }).pipe(timeout(DEADLINE_MS)))).file;
    } catch (error) {
      if (grpcCode(error) === GrpcStatus.NOT_FOUND) return undefined;
      throw new ProblemException(GatewayFileProblems.fileServiceUnavailable, 'file-service did not answer; retry shortly.', {}, { 'retry-after': '2' });
    }
  }
}
