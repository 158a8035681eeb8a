import { fileV1 } from '@chat4all/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { MediaLink, MediaLinks } from '../channels';

export const FILE_GRPC = Symbol('FILE_GRPC');
const DEADLINE_MS = 3000;

// Answers that a retry cannot change: no such file, or one that never became COMPLETED.
const PERMANENT = new Set<number>([GrpcStatus.NOT_FOUND, GrpcStatus.INVALID_ARGUMENT, GrpcStatus.FAILED_PRECONDITION]);

const grpcCode = (error: unknown): number | undefined => (error as { code?: number }).code;

// connectors' side of file-service's FileService (proto/chat4all/file/v1): at send time, a short-lived
// presigned GET URL for the file, which the platform fetches itself. Asked for on every attempt, so
// a retry after a long outage never hands the platform an expired link.
@Injectable()
export class FileLinks implements MediaLinks, OnModuleInit {
  private service!: fileV1.FileServiceClient;

  constructor(@Inject(FILE_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<fileV1.FileServiceClient>(fileV1.FILE_SERVICE_NAME);
  }

  async linkFor(fileId: string): Promise<MediaLink> {
    let file: fileV1.FileMetadata | undefined;
    try {
      ({ file } = await firstValueFrom(this.service.getFile({ fileId, withDownloadUrl: true }).pipe(timeout(DEADLINE_MS))));
    } catch (error) {
      const code = grpcCode(error);
      if (code !== undefined && PERMANENT.has(code)) {
        return { ok: false, code: 'file-not-found', retryable: false, reason: `file-service has no file ${fileId} to send (${GrpcStatus[code]})` };
      }
      // Unavailable, past the deadline, or anything unexpected: file-service may answer later.
      const what = (error as Error).name === 'TimeoutError' ? `no answer within ${DEADLINE_MS} ms` : code === undefined ? String((error as Error).message) : GrpcStatus[code];
      return { ok: false, code: 'file-unavailable', retryable: true, reason: `file-service did not give a link for file ${fileId}: ${what}` };
    }
    if (!file?.downloadUrl) {
      return { ok: false, code: 'file-not-found', retryable: false, reason: `file ${fileId} is ${file?.status || 'unknown'}, not COMPLETED: it has no download link` };
    }
    return { ok: true, url: file.downloadUrl };
  }
}
