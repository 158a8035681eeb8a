import { stackEnv } from '@chat4all/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { MIN_MULTIPART_PART_BYTES, ObjectStorage } from './object-storage';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('object storage (real MinIO)', () => {
  const storage = ObjectStorage.fromConfig(stackEnv().storage);
  afterAll(() => storage.client.destroy());

  it('uploads a multi-part object from a stream and reads it back byte for byte', async () => {
    await storage.ensureBucket();
    const key = `test/${randomUUID()}.bin`;
    // Two full 5 MiB parts and a short last one.
    const body = randomBytes(2 * MIN_MULTIPART_PART_BYTES + 123_457);
    try {
      await storage.putMultipart(key, Readable.from([body.subarray(0, 3_000_000), body.subarray(3_000_000)]), {
        contentType: 'application/octet-stream',
      });
      const head = await storage.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
      // A multipart ETag ends with -<number of parts>.
      expect(head.ETag).toMatch(/-3"$/);
      expect(head.ContentLength).toBe(body.length);
      const back = await storage.getBytes(key);
      expect(sha256(back)).toBe(sha256(body));
      expect(back.equals(body)).toBe(true);
    } finally {
      await storage.client.send(new DeleteObjectCommand({ Bucket: storage.bucket, Key: key }));
    }
  });
});
