import type { StorageConfig } from '@chat4all/config';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';

export function createS3Client(config: StorageConfig): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: 3,
  });
}

// MinIO (and S3) require every part but the last to be at least 5 MiB.
export const MIN_MULTIPART_PART_BYTES = 5 * 1024 * 1024;

export class ObjectStorage {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  static fromConfig(config: StorageConfig): ObjectStorage {
    return new ObjectStorage(createS3Client(config), config.bucket);
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

  async getBytes(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!object.Body) throw new Error(`object ${key} has no body`);
    return Buffer.from(await object.Body.transformToByteArray());
  }
}
