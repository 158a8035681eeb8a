import { isUuid } from '@chat4all/contracts';
import { fileV1 } from '@chat4all/proto';
import { ObjectStorage } from '@chat4all/storage';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { FILE_SETTINGS, type FileSettings } from '../config';
import { UploadsRepository } from '../uploads/uploads.repository';

// FileService (proto/chat4all/file/v1): what the gateway and connectors ask about a file. Who may see
// it is the caller's decision (the gateway knows conversations); this answers for any id.
@Controller()
export class FilesGrpcController {
  constructor(
    private readonly uploads: UploadsRepository,
    private readonly storage: ObjectStorage,
    @Inject(FILE_SETTINGS) private readonly settings: FileSettings,
  ) {}

  @GrpcMethod(fileV1.FILE_SERVICE_NAME, 'GetFile')
  async getFile(request: fileV1.GetFileRequest): Promise<fileV1.GetFileResponse> {
    const upload = isUuid(request.fileId) ? await this.uploads.find(request.fileId) : undefined;
    if (!upload) throw new RpcException({ code: GrpcStatus.NOT_FOUND, message: `no file ${request.fileId}` });
    const file: fileV1.FileMetadata = {
      fileId: upload.id,
      ownerId: upload.ownerId,
      status: upload.status,
      filename: upload.filename,
      sizeBytes: String(upload.sizeBytes),
      mimeType: upload.mimeType,
      sha256: upload.status === 'COMPLETED' ? (upload.sha256 ?? '') : '',
      downloadUrl: '',
      downloadUrlExpiresAt: '',
      createdAt: upload.createdAt.toISOString(),
      completedAt: upload.completedAt?.toISOString() ?? '',
    };
    if (request.withDownloadUrl && upload.status === 'COMPLETED' && upload.sha256) {
      const key = await this.uploads.blobKey(upload.sha256);
      if (key) {
        const ttl = this.settings.downloadUrlTtlSeconds;
        file.downloadUrl = await this.storage.presignDownload(key, { ttlSeconds: ttl, filename: upload.filename, contentType: upload.mimeType, publicEndpoint: this.settings.publicEndpoint });
        file.downloadUrlExpiresAt = new Date(Date.now() + ttl * 1000).toISOString();
      }
    }
    return { file };
  }
}
