import type { StorageConfig } from '@chat4all/config';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { withStorageCircuit } from './storage-circuit';

export function createS3Client(config: StorageConfig, endpoint = config.endpoint): S3Client {
  return new S3Client({
    endpoint,
    // The SDK builds its NodeHttpHandler (@smithy/node-http-handler) from these (NFR-004): a dead S3
    // fails the connect, a stuck one the request (to its response headers) or the socket's silence.
    // throwOnRequestTimeout: without it the request timeout only logs a warning.
    requestHandler: {
      connectionTimeout: config.timeouts.connectMs,
      requestTimeout: config.timeouts.requestMs,
      socketTimeout: config.timeouts.socketIdleMs,
      throwOnRequestTimeout: true,
    },
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: 3,
    // The SDK's default CRC32 over every streamed body costs a CPU core at upload speed; callers that
    // need integrity hash the bytes themselves (file-service checks SHA-256 per chunk and per file).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

// MinIO (and S3) require every part but the last to be at least 5 MiB.
export const MIN_MULTIPART_PART_BYTES = 5 * 1024 * 1024;

const isNotFound = (error: unknown): boolean => {
  const e = error as S3ServiceException;
  return e.$metadata?.httpStatusCode === 404 || e.name === 'NotFound' || e.name === 'NoSuchKey' || e.name === 'NoSuchUpload';
};

/** One source of a server-side concatenation: a whole object. */
export interface ConcatSource {
  key: string;
  sizeBytes: number;
}

// The one wrapper of MinIO/S3 calls. Bodies are streamed both ways; concatenation and copies run
// inside MinIO (UploadPartCopy, CopyObject), so no object's bytes pass through Node for them.
export class ObjectStorage {
  private presigner?: S3Client;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    private readonly config?: StorageConfig,
  ) {}

  /** With the circuit breaker of S3_BREAKER_*; `service` names its gauge (`<service>_s3_circuit_state`). */
  static fromConfig(config: StorageConfig, service?: string): ObjectStorage {
    const client = createS3Client(config);
    withStorageCircuit(client, config.breaker, service);
    return new ObjectStorage(client, config.bucket, config);
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if ((error as S3ServiceException).$metadata?.httpStatusCode !== 404) throw error;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket })).catch((e: S3ServiceException) => {
        // Another replica created it between our HEAD and CREATE.
        if (e.name !== 'BucketAlreadyOwnedByYou') throw e;
      });
    }
  }

  async headBucket(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Streams `body` as a multipart upload (parts of `partSizeBytes`, uploaded `concurrency` at a time). */
  async putMultipart(
    key: string,
    body: Readable | Buffer,
    options: { contentType?: string; partSizeBytes?: number; concurrency?: number } = {},
  ): Promise<{ etag?: string }> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType },
      partSize: Math.max(options.partSizeBytes ?? MIN_MULTIPART_PART_BYTES, MIN_MULTIPART_PART_BYTES),
      queueSize: options.concurrency ?? 4,
      leavePartsOnError: false,
    });
    const result = await upload.done();
    return { etag: result.ETag };
  }

  /**
   * One PUT of exactly `sizeBytes` streamed bytes (S3 refuses the object if the stream ends short).
   * A stream from a client takes as long as the client sends: no request timeout, the socket's
   * inactivity bound (and the caller's own idle abort) stop it instead.
   */
  async putStream(key: string, body: Readable | Buffer, sizeBytes: number, options: { contentType?: string; abortSignal?: AbortSignal } = {}): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: sizeBytes, ContentType: options.contentType ?? 'application/octet-stream' }),
      { abortSignal: options.abortSignal, requestTimeout: Buffer.isBuffer(body) ? undefined : 0 },
    );
  }

  async getBytes(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!object.Body) throw new Error(`object ${key} has no body`);
    return Buffer.from(await object.Body.transformToByteArray());
  }

  /** The object's bytes as a stream (a range `first-last`, inclusive, when given). */
  async getStream(key: string, range?: { first: number; last: number }): Promise<Readable> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.first}-${range.last}` : undefined }),
    );
    if (!object.Body) throw new Error(`object ${key} has no body`);
    return object.Body as Readable;
  }

  /** Size in bytes, or undefined when there is no such object. */
  async sizeOf(key: string): Promise<number | undefined> {
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).ContentLength;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Writes `target` as the concatenation of `sources`, inside MinIO: one source is a CopyObject, more
   * are a multipart upload whose parts are UploadPartCopy of each source (every source but the last
   * must be at least 5 MiB). Re-running it after a crash writes the same object again.
   */
  async concatenate(target: string, sources: readonly ConcatSource[], options: { contentType: string; concurrency: number }): Promise<void> {
    const bucket = this.bucket;
    if (sources.length === 1) {
      await this.client.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: copySource(bucket, sources[0].key), ContentType: options.contentType, MetadataDirective: 'REPLACE' }));
      return;
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: target, ContentType: options.contentType }));
    try {
      const etags: string[] = new Array<string>(sources.length);
      let next = 0;
      const worker = async () => {
        while (next < sources.length) {
          const i = next++;
          const res = await this.client.send(
            new UploadPartCopyCommand({ Bucket: bucket, Key: target, UploadId, PartNumber: i + 1, CopySource: copySource(bucket, sources[i].key) }),
          );
          etags[i] = res.CopyPartResult?.ETag ?? '';
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency, sources.length) }, worker));
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: target,
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: target, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  /** Deletes the keys (missing ones are fine), 1000 per request. */
  async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const res = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) throw new Error(`could not delete ${failed.length} objects: ${failed[0]?.Code} ${failed[0]?.Message}`);
    }
  }

  /** Every object under `prefix`, with its size. */
  async list(prefix: string): Promise<{ key: string; sizeBytes: number }[]> {
    const found: { key: string; sizeBytes: number }[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of res.Contents ?? []) if (o.Key) found.push({ key: o.Key, sizeBytes: o.Size ?? 0 });
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  /** Deletes everything under `prefix`; returns the bytes freed. */
  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    await this.deleteKeys(objects.map((o) => o.key));
    return objects.reduce((sum, o) => sum + o.sizeBytes, 0);
  }

  /** Aborts multipart uploads under `prefix` started before `before` (a merge that crashed); returns how many. */
  async abortMultipartUploads(prefix: string, before: Date): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const res = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      for (const u of res.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !u.Initiated || u.Initiated >= before) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId })).catch((e: unknown) => {
          if (!isNotFound(e)) throw e;
        });
        aborted++;
      }
      keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined;
      uploadIdMarker = res.IsTruncated ? res.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }

  /**
   * A presigned GET of `key` valid for `ttlSeconds`, against `publicEndpoint` (what the receiver can
   * reach), saving the file under `filename` with `contentType`.
   */
  async presignDownload(key: string, options: { ttlSeconds: number; filename: string; contentType: string; publicEndpoint?: string }): Promise<string> {
    if (!this.config) throw new Error('presigning needs the storage config');
    this.presigner ??= createS3Client(this.config, options.publicEndpoint ?? this.config.endpoint);
    return getSignedUrl(
      this.presigner,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: `attachment; filename="${asciiFallback(options.filename)}"; filename*=UTF-8''${encodeURIComponent(options.filename)}`,
      }),
      { expiresIn: options.ttlSeconds },
    );
  }

  destroy(): void {
    this.client.destroy();
    this.presigner?.destroy();
  }
}

const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/** RFC 6266: a quoted ASCII name for old clients beside the UTF-8 one. */
const asciiFallback = (name: string) => name.replace(/[^\x20-\x7e]|["\\]/g, '_');
