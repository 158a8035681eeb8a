import { type FileAttachment, GatewayFileProblems, isUuid } from '@chat4all/contracts';
import { ProblemException } from '@chat4all/platform';
import type { fileV1 } from '@chat4all/proto';
import { Injectable } from '@nestjs/common';
import { MessagesRepository } from '../messages/messages.repository';
import { FileClient } from './file.client';

const notFound = (id: string) => new ProblemException(GatewayFileProblems.fileNotFound, `No file ${id} you may see.`);

// Who may see a file: its uploader, and the members of every conversation it was sent in. The
// gateway decides, as it owns conversations; file-service holds the file. Someone else's file is a
// 404, the same as no file at all.
@Injectable()
export class FileAccess {
  constructor(
    private readonly files: FileClient,
    private readonly messages: MessagesRepository,
  ) {}

  /** The file if `userId` may see it; with a presigned download URL when asked. */
  async visible(userId: string, fileId: string, withDownloadUrl: boolean): Promise<fileV1.FileMetadata> {
    if (!isUuid(fileId)) throw notFound(fileId);
    const file = await this.files.get(fileId, withDownloadUrl);
    if (!file || (file.ownerId !== userId && !(await this.messages.fileSharedWith(fileId, userId)))) throw notFound(fileId);
    return file;
  }

  /** What a file message carries: only a COMPLETED file the sender may see (theirs, or shared with them). */
  async attachment(senderId: string, fileId: string): Promise<FileAttachment> {
    const file = await this.visible(senderId, fileId, false);
    if (file.status !== 'COMPLETED') {
      throw new ProblemException(GatewayFileProblems.fileNotReady, `File ${fileId} is ${file.status}; only a COMPLETED file can be sent.`, { file_status: file.status });
    }
    return { file_id: file.fileId, filename: file.filename, mime_type: file.mimeType, size_bytes: Number(file.sizeBytes), sha256: file.sha256 };
  }
}
