import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { ObjectStorage } from '@chat4all/storage';
import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { ChunkShortError, ChunkWriter, type WrittenChunk } from '../uploads/chunk-writer';
import { FileProblems } from '@chat4all/contracts';
import { RunningSha256 } from '../uploads/running-sha256';
import { UploadsRepository, type Upload } from '../uploads/uploads.repository';
import { UploadsService } from '../uploads/uploads.service';
import { BodyCutter } from './body-cutter';
import { checksumHash, type TusChecksum } from './tus-headers';

export interface TusCreateInput {
  uploadLength: number;
  /** Upload-Metadata, decoded. */
  metadata: Record<string, string>;
}

export interface TusPatchInput {
  offset: number;
  /** Content-Length; undefined when the client sent none. */
  contentLength?: number;
  stream: Readable;
  checksum?: TusChecksum;
}

/** One piece of a PATCH body, written to its object: a whole chunk, or the new tail. */
interface WrittenPiece {
  chunkNumber: number;
  full: boolean;
  written: WrittenChunk;
}

const notFound = (id: string) => new ProblemException(FileProblems.uploadNotFound, `No tus upload ${id} of yours.`);
const offsetMismatch = (offset: number) =>
  new ProblemException(FileProblems.tusOffsetMismatch, `The upload is at offset ${offset}; send Upload-Offset: ${offset} (HEAD tells the current offset).`, { upload_offset: offset });
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

// tus 1.0.0 on the shared chunk store: the file is cut into chunks of the upload's chunk_size; chunk n
// holds bytes [(n-1)*chunk_size, n*chunk_size). Whole chunks are committed as they complete (with the
// running SHA-256, so the merge reads nothing back); a partial chunk at the end is the "tail" object,
// which the next PATCH streams in front of its bytes. The offset is therefore bytes_received: the
// contiguous chunks 1..k plus the tail.
@Injectable()
export class TusService {
  private readonly logger = new Logger(TusService.name);

  constructor(
    private readonly uploads: UploadsService,
    private readonly repository: UploadsRepository,
    private readonly writer: ChunkWriter,
    private readonly storage: ObjectStorage,
  ) {}

  /** creation: the same limits and errors as POST /v1/files/initiate. */
  create(ownerId: string, input: TusCreateInput): Promise<Upload> {
    const m = input.metadata;
    const filename = m.filename ?? m.name;
    if (!filename) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'Upload-Metadata must carry the file name (filename or name).', { errors: [{ field: 'upload-metadata.filename', message: 'required' }] });
    }
    if (m.sha256 !== undefined && !HEX_SHA256.test(m.sha256)) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'Upload-Metadata sha256 must be 64 hex digits.', { errors: [{ field: 'upload-metadata.sha256', message: 'must be 64 hex digits' }] });
    }
    if (m.conversation_id !== undefined && !z.uuid().safeParse(m.conversation_id).success) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'Upload-Metadata conversation_id must be a UUID.', { errors: [{ field: 'upload-metadata.conversation_id', message: 'must be a UUID' }] });
    }
    if (input.uploadLength < 1) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'Upload-Length must be at least 1.', { errors: [{ field: 'upload-length', message: 'at least 1' }] });
    }
    return this.uploads.initiate(ownerId, {
      filename,
      sizeBytes: input.uploadLength,
      mimeType: m.filetype ?? m.type ?? 'application/octet-stream',
      sha256: m.sha256,
      conversationId: m.conversation_id,
      protocol: 'tus',
    });
  }

  /**
   * The caller's tus upload: 404 for unknown and foreign uploads alike (tus clients then start over),
   * and, unless `inspectOnly`, for uploads of the chunk API, whose chunks may arrive in any order.
   */
  async find(ownerId: string, uploadId: string, options: { inspectOnly?: boolean } = {}): Promise<Upload> {
    const upload = await this.uploads.own(ownerId, uploadId).catch((error: unknown) => {
      throw error instanceof ProblemException ? notFound(uploadId) : error;
    });
    if (upload.protocol !== 'tus' && !options.inspectOnly) throw notFound(uploadId);
    return upload;
  }

  /**
   * HEAD: the upload and its offset; 410 once an unfinished upload expired. An upload of the chunk
   * API can be inspected too: its offset is the bytes of the chunks received without a gap from 1.
   */
  async head(ownerId: string, uploadId: string, options: { inspectOnly?: boolean } = {}): Promise<{ upload: Upload; offset: number }> {
    const upload = await this.find(ownerId, uploadId, options);
    if (upload.status === 'UPLOADING' && upload.expiresAt <= new Date()) throw expired(upload);
    if (upload.protocol === 'tus') return { upload, offset: upload.bytesReceived };
    const received = upload.status === 'COMPLETED' ? [] : await this.repository.chunkNumbers(upload.id);
    let contiguous = 0;
    while (received[contiguous] === contiguous + 1) contiguous++;
    const offset = upload.status === 'COMPLETED' ? upload.sizeBytes : Math.min(contiguous * upload.chunkSize, upload.sizeBytes);
    return { upload, offset };
  }

  /** PATCH: appends the body at `offset`; returns the new offset. */
  async patch(ownerId: string, uploadId: string, input: TusPatchInput): Promise<number> {
    const { upload } = await this.head(ownerId, uploadId);
    if (input.offset !== upload.bytesReceived) throw offsetMismatch(upload.bytesReceived);
    if (input.contentLength === undefined) throw new ProblemException(FileProblems.lengthRequired, 'Send the PATCH with a Content-Length header.');
    if (input.contentLength === 0 && upload.status !== 'FAILED') return upload.bytesReceived;
    this.uploads.assertOpen(upload);
    if (input.offset + input.contentLength > upload.sizeBytes) {
      throw new ProblemException(FileProblems.tusUploadLengthExceeded, `Upload-Length is ${upload.sizeBytes}; ${input.contentLength} bytes at offset ${input.offset} go past it.`, {
        upload_length: upload.sizeBytes,
      });
    }
    const hash = input.checksum ? checksumHash(input.checksum) : undefined;
    const cutter = new BodyCutter(input.stream, hash);
    const running = await RunningSha256.resume(upload.hashState);
    const end = input.offset + input.contentLength;
    const pending: WrittenPiece[] = [];
    let offset = input.offset;
    let tailKey = upload.tailKey;
    try {
      while (offset < end) {
        const chunkNumber = Math.floor(offset / upload.chunkSize) + 1;
        const chunkStart = (chunkNumber - 1) * upload.chunkSize;
        const chunkEnd = Math.min(chunkNumber * upload.chunkSize, upload.sizeBytes);
        const pieceEnd = Math.min(chunkEnd, end);
        const full = pieceEnd === chunkEnd;
        // Only the first piece can continue a stored tail: every later one starts on a chunk boundary.
        const prefixBytes = offset - chunkStart;
        const prefix = prefixBytes > 0 && tailKey ? { stream: await this.tailStream(upload.id, tailKey), bytes: prefixBytes } : undefined;
        const written = await this.writer.write(full ? { uploadId: upload.id, chunkNumber } : { uploadId: upload.id, tail: true }, cutter.piece(pieceEnd - offset), pieceEnd - chunkStart, {
          running,
          sniff: offset === 0,
          prefix,
        });
        const piece = { chunkNumber, full, written };
        if (input.checksum) {
          pending.push(piece);
        } else {
          // Without a checksum every piece counts as soon as it is stored: a dropped connection keeps it.
          await this.commit(upload, offset, tailKey, [piece]);
          tailKey = full ? null : written.objectKey;
        }
        offset = pieceEnd;
      }
    } catch (error) {
      await this.discard(pending);
      if (error instanceof ChunkShortError || cutter.broken) throw new ProblemException(FileProblems.chunkIncomplete, `The body ended after ${offset - input.offset} of ${input.contentLength} bytes; the upload is at the offset HEAD reports.`);
      throw error;
    }
    if (input.checksum && hash) {
      const digest = hash.digest();
      if (!digest.equals(input.checksum.expected)) {
        await this.discard(pending);
        throw new ProblemException(FileProblems.tusChecksumMismatch, `The body's ${input.checksum.algorithm} is ${digest.toString('base64')}, not ${input.checksum.expected.toString('base64')}; nothing of it was stored.`, {
          upload_offset: input.offset,
        });
      }
      await this.commit(upload, input.offset, upload.tailKey, pending);
    }
    return end;
  }

  /** termination: as DELETE /v1/files/upload/{id}. */
  async terminate(ownerId: string, uploadId: string): Promise<void> {
    await this.find(ownerId, uploadId);
    await this.uploads.remove(ownerId, uploadId, { onlyUnfinished: true });
  }

  /**
   * Records written pieces in one transaction, if the upload is still where this PATCH found it
   * (another PATCH racing at the same offset gets 409); the last bytes request the merge in the same
   * transaction. The tail they replaced is deleted afterwards. On any refusal the pieces are deleted.
   */
  private async commit(upload: Upload, fromOffset: number, fromTailKey: string | null, pieces: WrittenPiece[]): Promise<void> {
    try {
      await this.repository.transaction(async (tx) => {
        const row = await this.repository.lock(tx, upload.id);
        if (!row) throw notFound(upload.id);
        this.uploads.assertOpen(row);
        if (row.bytesReceived !== fromOffset || row.tailKey !== fromTailKey) throw offsetMismatch(row.bytesReceived);
        let offset = fromOffset;
        for (const { chunkNumber, full, written } of pieces) {
          const tail = full ? { key: null, bytes: 0 } : { key: written.objectKey, bytes: written.sizeBytes };
          if (full) {
            const chunk = { chunkNumber, sizeBytes: written.sizeBytes, objectKey: written.objectKey, sha256: null };
            const { outcome } = await this.repository.commitChunkIn(tx, { uploadId: upload.id, chunk, hashState: written.hashState, sniffedMimeType: written.sniffedMimeType, tail });
            if (outcome !== 'committed') throw offsetMismatch(row.bytesReceived);
          } else {
            await this.repository.setTail(tx, upload.id, tail, written.hashState ?? null, written.sniffedMimeType);
          }
          offset = (chunkNumber - 1) * row.chunkSize + written.sizeBytes;
        }
        if (offset === row.sizeBytes) await this.uploads.requestMerge(tx, row);
      });
    } catch (error) {
      await this.discard(pieces);
      throw error;
    }
    if (fromTailKey) {
      await this.writer.discard(fromTailKey).catch((error: unknown) => this.logger.warn({ err: error, upload_id: upload.id, message: 'could not delete a replaced tus tail (the merge or GC removes it)' }));
    }
  }

  /** The stored tail; gone means another PATCH moved the upload on (409 with where it is now). */
  private async tailStream(uploadId: string, tailKey: string): Promise<Readable> {
    try {
      return await this.storage.getStream(tailKey);
    } catch (error) {
      const now = await this.repository.find(uploadId);
      if (now && now.tailKey !== tailKey) throw offsetMismatch(now.bytesReceived);
      throw error;
    }
  }

  private async discard(pieces: WrittenPiece[]): Promise<void> {
    await Promise.all(pieces.map((p) => this.writer.discard(p.written.objectKey).catch(() => undefined)));
    pieces.length = 0;
  }
}

const expired = (upload: Upload) => new ProblemException(FileProblems.uploadExpired, `Upload ${upload.id} expired at ${upload.expiresAt.toISOString()}.`);
