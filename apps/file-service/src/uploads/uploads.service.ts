import { createEnvelope, EventTypes, FileProblems, isUuid, Topics, type UploadStatus } from '@chat4all/contracts';
import { OutboxWriter } from '@chat4all/outbox';
import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { ObjectStorage } from '@chat4all/storage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Readable } from 'node:stream';
import { Counter } from 'prom-client';
import { FILE_SETTINGS, type FileSettings } from '../config';
import { ChunkOverflowError, ChunkShortError, ChunkWriter } from './chunk-writer';
import { ObjectKeys } from './object-keys';
import { RunningSha256 } from './running-sha256';
import { bareMimeType, cleanFilename, expectedChunkBytes, isAllowedMimeType, missingChunks, totalChunksOf } from './upload-rules';
import { UploadsRepository, type NewUpload, type Upload } from './uploads.repository';

const chunksReceived = new Counter({ name: 'file_service_chunks_received_total', help: 'Chunks stored', labelNames: ['protocol'] });
const bytesReceived = new Counter({ name: 'file_service_bytes_received_total', help: 'Upload bytes stored', labelNames: ['protocol'] });

export interface InitiateInput {
  filename: string;
  sizeBytes: number;
  mimeType: string;
  sha256?: string;
  conversationId?: string;
  protocol: Upload['protocol'];
}

export interface ChunkInput {
  stream: Readable;
  /** Content-Length; undefined when the client sent none. */
  contentLength?: number;
  /** Hex SHA-256 the client says the chunk has. */
  expectedSha256?: string;
}

const uploadNotFound = (id: string) => new ProblemException(FileProblems.uploadNotFound, `No upload ${id} of yours.`);
const fileNotFound = (id: string) => new ProblemException(FileProblems.fileNotFound, `No file ${id} of yours.`);

// The /v1/files upload API (FR-FU-01..04, 08, 09) on top of the chunk store; tus uses the same parts.
@Injectable()
export class UploadsService {
  private readonly logger = new Logger(UploadsService.name);

  constructor(
    private readonly uploads: UploadsRepository,
    private readonly writer: ChunkWriter,
    private readonly outbox: OutboxWriter,
    private readonly storage: ObjectStorage,
    @Inject(FILE_SETTINGS) private readonly settings: FileSettings,
  ) {}

  get chunkSize(): number {
    return this.settings.chunkSizeBytes;
  }

  async initiate(ownerId: string, input: InitiateInput): Promise<Upload> {
    const { settings } = this;
    const filename = cleanFilename(input.filename);
    if (!filename) throw new ProblemException(PlatformProblems.invalidRequest, 'The file name is empty once path and control characters are removed.', { errors: [{ field: 'filename', message: 'empty' }] });
    if ([...filename].length > settings.nameMaxChars) {
      throw new ProblemException(PlatformProblems.invalidRequest, `The file name has ${[...filename].length} characters; at most ${settings.nameMaxChars} are accepted.`, {
        errors: [{ field: 'filename', message: `at most ${settings.nameMaxChars} characters` }],
      });
    }
    if (input.sizeBytes > settings.maxSizeBytes) {
      throw new ProblemException(FileProblems.fileTooLarge, `The file has ${input.sizeBytes} bytes; at most ${settings.maxSizeBytes} are accepted.`, { max_size_bytes: settings.maxSizeBytes });
    }
    const mimeType = bareMimeType(input.mimeType);
    if (!isAllowedMimeType(mimeType, settings.allowedMimeTypes)) {
      throw new ProblemException(FileProblems.fileTypeNotAllowed, `Files of type ${mimeType} are not accepted.`, { allowed_mime_types: settings.allowedMimeTypes });
    }
    const upload: NewUpload = {
      id: randomUUID(),
      ownerId,
      protocol: input.protocol,
      filename,
      mimeType,
      sizeBytes: input.sizeBytes,
      chunkSize: settings.chunkSizeBytes,
      totalChunks: totalChunksOf(input.sizeBytes, settings.chunkSizeBytes),
      declaredSha256: input.sha256?.toLowerCase() ?? null,
      conversationId: input.conversationId ?? null,
      expiresAt: new Date(Date.now() + settings.uploadTtlSeconds * 1000),
    };
    if (!(await this.uploads.create(upload, settings.maxOpenUploadsPerUser))) {
      throw new ProblemException(FileProblems.tooManyOpenUploads, `You have ${settings.maxOpenUploadsPerUser} unfinished uploads; complete or delete one first.`, {
        max_open_uploads: settings.maxOpenUploadsPerUser,
      });
    }
    return (await this.uploads.find(upload.id))!;
  }

  /** The caller's upload; 404 for an unknown id and for someone else's alike. */
  /** The caller's upload (or file: same id), or the not-found problem of the route that asked. */
  async own(ownerId: string, uploadId: string, notFound: (id: string) => ProblemException = uploadNotFound): Promise<Upload> {
    const upload = isUuid(uploadId) ? await this.uploads.find(uploadId) : undefined;
    if (!upload || upload.ownerId !== ownerId) throw notFound(uploadId);
    return upload;
  }

  async status(ownerId: string, uploadId: string): Promise<{ upload: Upload; received: number[] }> {
    const upload = await this.own(ownerId, uploadId);
    return { upload, received: await this.uploads.chunkNumbers(upload.id) };
  }

  list(ownerId: string, options: { status?: UploadStatus; limit: number; before?: { createdAt: Date; id: string } }): Promise<Upload[]> {
    return this.uploads.listForOwner(ownerId, options);
  }

  /** Refuses a chunk for an upload that is not open: 409 after complete, 410 once expired. */
  assertOpen(upload: Upload): void {
    if (upload.status === 'FAILED') throw new ProblemException(FileProblems.uploadFailed, `Upload ${upload.id} failed: ${upload.failureReason ?? ''}`.trim());
    if (upload.status !== 'UPLOADING') throw new ProblemException(FileProblems.uploadNotOpen, `Upload ${upload.id} is ${upload.status}; it takes no more chunks.`, { upload_status: upload.status });
    if (upload.expiresAt <= new Date()) throw new ProblemException(FileProblems.uploadExpired, `Upload ${upload.id} expired at ${upload.expiresAt.toISOString()}.`);
  }

  /**
   * Stores chunk `n`. A chunk received before is kept as it is (the request is answered without
   * storing the bytes again); the response says so.
   */
  async putChunk(ownerId: string, uploadId: string, chunkNumber: number, input: ChunkInput): Promise<{ upload: Upload; alreadyReceived: boolean }> {
    const upload = await this.own(ownerId, uploadId);
    this.assertOpen(upload);
    // A tus upload's offset is its contiguous chunks plus the tail; a chunk written around it would break that.
    if (upload.protocol === 'tus') throw new ProblemException(FileProblems.uploadNotOpen, `Upload ${upload.id} was created with tus; send its bytes with tus PATCH.`, { upload_status: upload.status });
    if (!Number.isInteger(chunkNumber) || chunkNumber < 1 || chunkNumber > upload.totalChunks) {
      throw new ProblemException(FileProblems.chunkOutOfRange, `Chunk numbers of this upload run from 1 to ${upload.totalChunks}.`, { total_chunks: upload.totalChunks });
    }
    const expected = expectedChunkBytes(chunkNumber, upload);
    if (input.contentLength === undefined) throw new ProblemException(FileProblems.lengthRequired, 'Send the chunk with a Content-Length header.');
    if (input.contentLength > upload.chunkSize) {
      throw new ProblemException(FileProblems.chunkTooLarge, `A chunk has at most ${upload.chunkSize} bytes; this one has ${input.contentLength}.`, { chunk_size: upload.chunkSize });
    }
    if (input.contentLength !== expected) {
      throw new ProblemException(FileProblems.chunkSizeMismatch, `Chunk ${chunkNumber} must have ${expected} bytes; this one has ${input.contentLength}.`, { expected_bytes: expected });
    }
    if (await this.uploads.findChunk(upload.id, chunkNumber)) return { upload, alreadyReceived: true };

    const inOrder = upload.hashedChunks === chunkNumber - 1;
    const running = inOrder ? await RunningSha256.resume(upload.hashState) : undefined;
    const written = await this.writer
      .write({ uploadId: upload.id, chunkNumber }, input.stream, expected, { running, digest: input.expectedSha256 !== undefined, sniff: chunkNumber === 1, idleTimeoutMs: this.settings.chunkIdleTimeoutMs })
      .catch((error: unknown) => {
        if (error instanceof ChunkShortError) {
          throw new ProblemException(FileProblems.chunkIncomplete, `The chunk ended after ${error.received} of ${error.expected} bytes; nothing was stored.`);
        }
        if (error instanceof ChunkOverflowError) throw new ProblemException(FileProblems.chunkTooLarge, `The chunk has more than ${error.limit} bytes.`);
        throw error;
      });
    if (input.expectedSha256 !== undefined && written.sha256 !== input.expectedSha256) {
      await this.writer.discard(written.objectKey);
      throw new ProblemException(FileProblems.chunkChecksumMismatch, `Chunk ${chunkNumber} has SHA-256 ${written.sha256}, not ${input.expectedSha256}; it was not stored.`, {
        computed_sha256: written.sha256,
      });
    }
    const { outcome, upload: after } = await this.uploads.commitChunk({
      uploadId: upload.id,
      chunk: { chunkNumber, sizeBytes: expected, objectKey: written.objectKey, sha256: written.sha256 ?? null },
      hashState: written.hashState,
      sniffedMimeType: written.sniffedMimeType,
    });
    if (outcome !== 'committed') {
      await this.writer.discard(written.objectKey);
      if (!after) throw uploadNotFound(uploadId);
      // Not open any more (completed, deleted or expired meanwhile), or another request stored it first.
      if (outcome === 'not-open') this.assertOpen(after);
      return { upload: after, alreadyReceived: true };
    }
    chunksReceived.inc({ protocol: upload.protocol });
    bytesReceived.inc({ protocol: upload.protocol }, expected);
    return { upload: after!, alreadyReceived: false };
  }

  /**
   * Every chunk is there: MERGING, and a files.merge-requested event in the same transaction. Again
   * on an upload already merging or merged is the same answer; missing chunks are a 409 naming them.
   */
  async complete(ownerId: string, uploadId: string): Promise<Upload> {
    await this.own(ownerId, uploadId);
    return this.uploads.transaction(async (tx) => {
      const upload = (await this.uploads.lock(tx, uploadId))!;
      if (upload.status === 'MERGING' || upload.status === 'COMPLETED') return upload;
      if (upload.status === 'FAILED') throw new ProblemException(FileProblems.uploadFailed, `Upload ${upload.id} failed: ${upload.failureReason ?? ''}`.trim());
      if (upload.expiresAt <= new Date()) throw new ProblemException(FileProblems.uploadExpired, `Upload ${upload.id} expired at ${upload.expiresAt.toISOString()}.`);
      if (upload.chunksReceived < upload.totalChunks) {
        const received = (await this.uploads.chunks(upload.id, tx)).map((c) => c.chunkNumber);
        const missing = missingChunks(received, upload.totalChunks);
        throw new ProblemException(FileProblems.uploadIncomplete, `${missing.length} of ${upload.totalChunks} chunks are missing.`, { missing_chunks: missing });
      }
      await this.requestMerge(tx, upload);
      return { ...upload, status: 'MERGING' as const };
    });
  }

  /** Inside the caller's transaction (which holds the row): MERGING and the merge event. */
  async requestMerge(tx: EntityManager, upload: Upload): Promise<void> {
    await this.uploads.setStatus(tx, upload.id, 'MERGING');
    await this.outbox.append(
      tx,
      Topics.filesMergeRequested,
      upload.id,
      createEnvelope(EventTypes.fileMergeRequested, upload.id, { upload_id: upload.id, requested_at: new Date().toISOString() }),
    );
  }

  /**
   * Removes an upload and its objects: an unfinished one (abandoned), or a file of the caller's. The
   * content of a file stays while another file has the same bytes (dedup).
   */
  /** onlyUnfinished: DELETE /v1/files/upload/{id} (an upload); otherwise DELETE /v1/files/{id} (a file, or any upload). */
  async remove(ownerId: string, uploadId: string, options: { onlyUnfinished: boolean }): Promise<void> {
    const upload = await this.own(ownerId, uploadId, options.onlyUnfinished ? uploadNotFound : fileNotFound);
    if (options.onlyUnfinished && upload.status !== 'UPLOADING' && upload.status !== 'FAILED') {
      throw new ProblemException(FileProblems.uploadNotOpen, `Upload ${upload.id} is ${upload.status}; only an unfinished upload can be abandoned here (a file is deleted with DELETE /v1/files/{file_id}).`, {
        upload_status: upload.status,
      });
    }
    if (upload.status === 'MERGING') throw new ProblemException(FileProblems.uploadNotOpen, `Upload ${upload.id} is being merged; delete it once it is COMPLETED.`, { upload_status: upload.status });
    await this.uploads.remove(upload.id, (key) => this.storage.deleteKeys([key]));
    const freed = await this.storage.deletePrefix(ObjectKeys.uploadPrefix(upload.id));
    this.logger.log({ upload_id: upload.id, status: upload.status, bytes_freed: freed, message: 'upload removed' });
  }
}

