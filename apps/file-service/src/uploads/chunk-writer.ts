import { ObjectStorage } from '@chat4all/storage';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { SNIFF_SAMPLE_BYTES, sniffMimeType } from '../merge/content-check';
import { ObjectKeys } from './object-keys';
import { RunningSha256 } from './running-sha256';

/** Hashes, samples and counts bytes on their way to MinIO; errors past `limit` bytes. */
class ChunkMeter extends Transform {
  bytes = 0;
  private readonly digest?: ReturnType<typeof createHash>;
  private readonly sample: Buffer[] = [];
  private sampled = 0;

  constructor(
    private readonly limit: number,
    private readonly running: RunningSha256 | undefined,
    withDigest: boolean,
    private readonly sampleBytes: number,
    private readonly onBytes: () => void,
  ) {
    super();
    if (withDigest) this.digest = createHash('sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes();
    if (this.bytes > this.limit) {
      callback(new ChunkOverflowError(this.limit));
      return;
    }
    this.running?.update(chunk);
    this.digest?.update(chunk);
    if (this.sampled < this.sampleBytes) {
      const piece = chunk.subarray(0, this.sampleBytes - this.sampled);
      this.sample.push(piece);
      this.sampled += piece.length;
    }
    callback(null, chunk);
  }

  sha256Hex(): string | undefined {
    return this.digest?.digest('hex');
  }

  sampleBuffer(): Buffer {
    return Buffer.concat(this.sample);
  }
}

export class ChunkOverflowError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
  }
}

/** The body ended (or the client went away) before `expected` bytes. */
export class ChunkShortError extends Error {
  constructor(
    readonly received: number,
    readonly expected: number,
  ) {
    super(`received ${received} of ${expected} bytes`);
  }
}

export interface WrittenChunk {
  objectKey: string;
  sizeBytes: number;
  /** Hex SHA-256 of the chunk, when asked for. */
  sha256?: string;
  /** The running hash after these bytes, when one was given to continue. */
  hashState?: Buffer;
  /** What the first bytes are, when they were sampled. */
  sniffedMimeType?: string;
}

// Streams one chunk's bytes from the request into its own object in MinIO. Memory stays at the
// stream's buffers (plus a 256 KiB sample of chunk 1), whatever the chunk size.
@Injectable()
export class ChunkWriter {
  constructor(private readonly storage: ObjectStorage) {}

  /**
   * Writes exactly `sizeBytes` from `body` under a fresh key. `prefix` (tus: the stored tail) goes
   * first without being hashed again. The object exists only if every byte arrived.
   */
  async write(
    key: { uploadId: string; chunkNumber: number } | { uploadId: string; tail: true },
    body: Readable,
    sizeBytes: number,
    options: { running?: RunningSha256; digest?: boolean; sniff?: boolean; prefix?: { stream: Readable; bytes: number }; idleTimeoutMs?: number } = {},
  ): Promise<WrittenChunk> {
    const nonce = randomBytes(6).toString('hex');
    const objectKey = 'tail' in key ? ObjectKeys.tail(key.uploadId, nonce) : ObjectKeys.chunk(key.uploadId, key.chunkNumber, nonce);
    const prefixBytes = options.prefix?.bytes ?? 0;
    const abort = new AbortController();
    const fail = (error: Error) => {
      if (!abort.signal.aborted) abort.abort(error);
    };
    // A client that stops sending mid-chunk (its connection silently gone) does not hold the request
    // open forever: after idleTimeoutMs without a byte the chunk is abandoned.
    const idle = options.idleTimeoutMs
      ? setTimeout(() => {
          fail(new ChunkShortError(meter.bytes + prefixBytes, sizeBytes));
          body.destroy();
        }, options.idleTimeoutMs)
      : undefined;
    const meter = new ChunkMeter(sizeBytes - prefixBytes, options.running, options.digest ?? false, options.sniff ? SNIFF_SAMPLE_BYTES : 0, () => idle?.refresh());
    body.once('error', fail);
    body.once('aborted', () => fail(new ChunkShortError(meter.bytes, sizeBytes)));
    body.once('close', () => {
      if (!body.readableEnded) fail(new ChunkShortError(meter.bytes, sizeBytes));
    });
    meter.once('error', fail);
    body.pipe(meter);
    const payload = options.prefix ? concatStreams(options.prefix.stream, meter, fail) : meter;
    try {
      await this.storage.putStream(objectKey, payload, sizeBytes, { abortSignal: abort.signal });
    } catch (error) {
      body.unpipe(meter);
      meter.destroy();
      const reason = abort.signal.reason as unknown;
      if (reason instanceof Error) throw reason;
      throw error;
    } finally {
      clearTimeout(idle);
    }
    if (meter.bytes + prefixBytes !== sizeBytes) {
      await this.storage.deleteKeys([objectKey]);
      throw new ChunkShortError(meter.bytes + prefixBytes, sizeBytes);
    }
    const written: WrittenChunk = { objectKey, sizeBytes };
    const sha = meter.sha256Hex();
    if (sha) written.sha256 = sha;
    if (options.running) written.hashState = options.running.save();
    if (options.sniff) written.sniffedMimeType = await sniffMimeType(meter.sampleBuffer());
    return written;
  }

  async discard(objectKey: string): Promise<void> {
    await this.storage.deleteKeys([objectKey]);
  }
}

/** `first` then `second`, as one stream (the tus tail stored earlier, then the new bytes). */
function concatStreams(first: Readable, second: Readable, fail: (e: Error) => void): Readable {
  const out = new Transform({ transform: (c: Buffer, _e, cb) => cb(null, c) });
  first.once('error', fail);
  first.pipe(out, { end: false });
  first.once('end', () => second.pipe(out));
  return out;
}
