import { ServerFrames, type FileAttachment, type FileFailureCode } from '@chat4all/contracts';
import { RealtimeFanout, REDIS } from '@chat4all/redis';
import { ObjectStorage } from '@chat4all/storage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Counter, Histogram } from 'prom-client';
import { FILE_SETTINGS, type FileSettings } from '../config';
import { ObjectKeys } from '../uploads/object-keys';
import { RunningSha256 } from '../uploads/running-sha256';
import { isAllowedMimeType } from '../uploads/upload-rules';
import { UploadsRepository, type ChunkRow, type Upload } from '../uploads/uploads.repository';
import { checkContent } from './content-check';

const merges = new Counter({ name: 'file_service_merges_total', help: 'Merges finished, by outcome', labelNames: ['outcome'] });
const mergeSeconds = new Histogram({ name: 'file_service_merge_duration_seconds', help: 'Merge time, from event to COMPLETED', buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120] });
const deduplicated = new Counter({ name: 'file_service_dedup_hits_total', help: 'Merges that found the content already stored and copied nothing' });
const rehashedBytes = new Counter({ name: 'file_service_merge_rehashed_bytes_total', help: 'Bytes read back to hash chunks that arrived out of order' });

type Verdict = { ok: true; sha256: string } | { ok: false; code: FileFailureCode; reason: string };

// FR-FU-05..07: the merge of a complete upload, run for each files.merge-requested event. The bytes
// are concatenated inside MinIO (UploadPartCopy); the SHA-256 comes from the state carried from chunk
// to chunk. Every step can run again: a crash anywhere leaves the event uncommitted, and the next
// delivery finishes the same upload, which becomes COMPLETED (or FAILED) once.
@Injectable()
export class MergeService {
  private readonly logger = new Logger(MergeService.name);
  private readonly fanout: RealtimeFanout;

  constructor(
    private readonly uploads: UploadsRepository,
    private readonly storage: ObjectStorage,
    @Inject(REDIS) redis: Redis,
    @Inject(FILE_SETTINGS) private readonly settings: FileSettings,
  ) {
    this.fanout = new RealtimeFanout(redis);
  }

  async merge(uploadId: string): Promise<void> {
    const started = Date.now();
    const upload = await this.uploads.find(uploadId);
    if (!upload || upload.status === 'UPLOADING') return;
    if (upload.status === 'COMPLETED' || upload.status === 'FAILED') {
      // A redelivery after the status changed: finish the clean-up and tell the uploader (again).
      await this.storage.deletePrefix(ObjectKeys.uploadPrefix(upload.id));
      await this.notify(upload);
      return;
    }
    const chunks = await this.uploads.chunks(upload.id);
    let sha256 = upload.sha256;
    if (!sha256) {
      const verdict = await this.verify(upload, chunks);
      if (!verdict.ok) {
        await this.fail(upload, verdict.code, verdict.reason);
        return;
      }
      sha256 = verdict.sha256;
    }
    const blobKey = await this.uploads.referBlob(upload.id, sha256, ObjectKeys.blob(sha256), upload.sizeBytes);
    if ((await this.storage.sizeOf(blobKey)) === upload.sizeBytes) {
      deduplicated.inc();
    } else {
      await this.storage.concatenate(
        blobKey,
        chunks.map((c) => ({ key: c.objectKey, sizeBytes: c.sizeBytes })),
        { contentType: upload.mimeType, concurrency: this.settings.mergeConcurrency },
      );
    }
    if (await this.uploads.complete(upload.id)) {
      merges.inc({ outcome: 'completed' });
      mergeSeconds.observe((Date.now() - started) / 1000);
      this.logger.log({ upload_id: upload.id, sha256, size_bytes: upload.sizeBytes, chunks: chunks.length, merge_ms: Date.now() - started, message: 'upload merged' });
    }
    await this.storage.deletePrefix(ObjectKeys.uploadPrefix(upload.id));
    await this.notify((await this.uploads.find(upload.id)) ?? upload);
  }

  private async verify(upload: Upload, chunks: ChunkRow[]): Promise<Verdict> {
    const bytes = chunks.reduce((sum, c) => sum + c.sizeBytes, 0);
    if (chunks.length !== upload.totalChunks || bytes !== upload.sizeBytes) {
      return { ok: false, code: 'size-mismatch', reason: `received ${bytes} bytes in ${chunks.length} chunks; the upload declared ${upload.sizeBytes} bytes in ${upload.totalChunks}` };
    }
    const sha256 = await this.wholeFileSha256(upload, chunks);
    if (upload.declaredSha256 && upload.declaredSha256 !== sha256) {
      return { ok: false, code: 'checksum-mismatch', reason: `the file's SHA-256 is ${sha256}; the upload declared ${upload.declaredSha256}` };
    }
    if (!isAllowedMimeType(upload.mimeType, this.settings.allowedMimeTypes)) {
      return { ok: false, code: 'content-type-not-allowed', reason: `files of type ${upload.mimeType} are no longer accepted` };
    }
    const content = checkContent(upload.mimeType, upload.sniffedMimeType ?? '');
    return content.ok ? { ok: true, sha256 } : content;
  }

  /** From the carried state; chunks that arrived out of order are read back and hashed now. */
  private async wholeFileSha256(upload: Upload, chunks: ChunkRow[]): Promise<string> {
    const running = await RunningSha256.resume(upload.hashState);
    for (const chunk of chunks.slice(upload.hashedChunks)) {
      for await (const piece of await this.storage.getStream(chunk.objectKey)) {
        running.update(piece as Buffer);
        rehashedBytes.inc((piece as Buffer).length);
      }
    }
    return running.hex();
  }

  private async fail(upload: Upload, code: FileFailureCode, reason: string): Promise<void> {
    if (await this.uploads.fail(upload.id, code, reason)) {
      merges.inc({ outcome: 'failed' });
      this.logger.warn({ upload_id: upload.id, code, reason, message: 'upload failed its checks' });
    }
    await this.storage.deletePrefix(ObjectKeys.uploadPrefix(upload.id));
    await this.notify((await this.uploads.find(upload.id)) ?? upload);
  }

  /** file.completed / file.failed to the uploader's sockets; best effort (the status API has the same). */
  private async notify(upload: Upload): Promise<void> {
    const frame =
      upload.status === 'COMPLETED'
        ? ServerFrames.fileCompleted(upload.id, attachmentOf(upload))
        : ServerFrames.fileFailed(upload.id, (upload.failureCode ?? 'size-mismatch') as FileFailureCode, upload.failureReason ?? '');
    const result = await this.fanout.toUsers([upload.ownerId], frame).catch((error: unknown) => {
      this.logger.warn({ err: error, upload_id: upload.id, message: 'could not publish the upload outcome to realtime' });
      return undefined;
    });
    if (result?.failed) this.logger.warn({ upload_id: upload.id, message: 'could not publish the upload outcome to realtime' });
  }
}

export const attachmentOf = (u: Upload): FileAttachment => ({ file_id: u.id, filename: u.filename, mime_type: u.mimeType, size_bytes: u.sizeBytes, sha256: u.sha256 ?? '' });
