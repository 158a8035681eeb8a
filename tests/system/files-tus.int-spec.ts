import { ObjectStorage } from '@chat4all/storage';
import { newCaller, REPO_ROOT, stackEnv, startApp, waitFor, type Caller, type RunningApp } from '@chat4all/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Upload as TusUpload, type UploadOptions } from 'tus-js-client';

// tus 1.0.0 (issue 12) against the running system: auth, gateway, file-service and outbox-relay as
// processes on the test stack. The resumable upload is driven by the real tus-js-client; the
// checksum extension (which that client does not send) by hand.
const MiB = 1024 * 1024;
const CHUNK = 5 * MiB;
const PDF_MAGIC = Buffer.from('%PDF-1.7\n');
const pdfBytes = (length: number) => {
  const bytes = randomBytes(length);
  PDF_MAGIC.copy(bytes);
  return bytes;
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const digest64 = (algorithm: 'sha1' | 'sha256', b: Buffer) => createHash(algorithm).update(b).digest('base64');
const b64 = (s: string) => Buffer.from(s).toString('base64');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, read field by field in the expectations
type Json = Record<string, any>;

describe('files: tus 1.0.0 on the upload store', () => {
  let auth: RunningApp, gateway: RunningApp, files: RunningApp, relay: RunningApp;
  let alice: Caller, bob: Caller;
  const storage = ObjectStorage.fromConfig(stackEnv().storage);
  const db = new Client({ connectionString: stackEnv().database.url });

  async function tus(who: Caller | undefined, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        ...(who ? { authorization: `Bearer ${who.token}` } : {}),
        'tus-resumable': '1.0.0',
        ...(body === undefined ? {} : { 'content-type': 'application/offset+octet-stream' }),
        ...headers,
      },
      body: body === undefined ? undefined : new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Json };
  }

  /** POST /v1/files/tus; returns the upload's path (the Location header) and id. */
  async function create(who: Caller, length: number, metadata: string, body?: Buffer) {
    const res = await tus(who, 'POST', '/v1/files/tus', { 'upload-length': String(length), 'upload-metadata': metadata }, body);
    expect(res.status).toBe(201);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/v1\/files\/tus\/[0-9a-f-]{36}$/);
    return { path: location, id: location.split('/').pop()!, res };
  }

  const offsetOf = async (who: Caller, path: string) => Number((await tus(who, 'HEAD', path)).headers.get('upload-offset'));
  const status = async (who: Caller, id: string) => {
    const res = await fetch(`${gateway.url}/v1/files/upload/${id}/status`, { headers: { authorization: `Bearer ${who.token}` } });
    return (await res.json()) as Json;
  };
  const completed = (who: Caller, id: string) =>
    waitFor(async () => {
      const s = await status(who, id);
      return s.status === 'COMPLETED' || s.status === 'FAILED' ? s : undefined;
    }, { timeoutMs: 60_000, description: `upload ${id} merged` });

  /** Runs a tus-js-client upload until it succeeds, fails, or `stopAt` bytes were sent (then aborts). */
  function runClient(file: Buffer, options: Partial<UploadOptions>, stopAt?: number): Promise<{ url: string; aborted: boolean }> {
    return new Promise((resolve, reject) => {
      const upload: TusUpload = new TusUpload(file, {
        endpoint: `${gateway.url}/v1/files/tus`,
        headers: { authorization: `Bearer ${alice.token}` },
        chunkSize: 3 * MiB,
        retryDelays: null,
        metadata: { filename: 'tus-video.pdf', filetype: 'application/pdf' },
        ...options,
        onProgress: (sent) => {
          if (stopAt !== undefined && sent >= stopAt) {
            void upload.abort().then(() => resolve({ url: upload.url!, aborted: true }), reject);
          }
        },
        onSuccess: () => resolve({ url: upload.url!, aborted: false }),
        onError: reject,
      });
      upload.start();
    });
  }

  beforeAll(async () => {
    await db.connect();
    auth = await startApp('auth');
    files = await startApp('file-service', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, FILE_CHUNK_SIZE_BYTES: String(CHUNK) } });
    relay = await startApp('outbox-relay');
    gateway = await startApp('gateway', {
      env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, FILE_GRPC_URL: `127.0.0.1:${files.grpcPort}`, FILE_SERVICE_URL: files.url, RATE_LIMIT_WRITE_PER_MINUTE: '100000' },
    });
    [alice, bob] = await Promise.all([newCaller(gateway.url, 'tus-alice'), newCaller(gateway.url, 'tus-bob')]);
  }, 120_000);

  afterAll(async () => {
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    for (const app of [gateway, files]) if (app) writeFileSync(join(REPO_ROOT, `.stack/logs/tests/files-tus-${app.name}.log`), app.output());
    await db.end();
    storage.destroy();
    await Promise.all([auth, gateway, files, relay].map((a) => a?.stop('SIGTERM')));
  }, 60_000);

  it('OPTIONS tells the version, extensions, max size and checksum algorithms, without a token', async () => {
    const res = await tus(undefined, 'OPTIONS', '/v1/files/tus', { 'tus-resumable': '' });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(['tus-resumable', 'tus-version', 'tus-extension', 'tus-max-size', 'tus-checksum-algorithm'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'tus-resumable': '1.0.0',
      'tus-version': '1.0.0',
      'tus-extension': 'creation,creation-with-upload,termination,checksum,expiration',
      'tus-max-size': String(2 * 1024 * MiB),
      'tus-checksum-algorithm': 'sha1,sha256',
    });
    // The gateway's own refusal (no token) carries Tus-Resumable too.
    const anonymous = await tus(undefined, 'POST', '/v1/files/tus', { 'upload-length': '10' });
    expect([anonymous.status, anonymous.headers.get('tus-resumable')]).toEqual([401, '1.0.0']);
  });

  it('tus-js-client: 20 MiB aborted part way, resumed from its URL, merged byte-exact', async () => {
    const file = pdfBytes(20 * MiB + 12345);
    const first = await runClient(file, {}, 7 * MiB);
    expect(first.aborted).toBe(true);
    const id = first.url.split('/').pop()!;
    // What the server kept: whole chunks plus the tail of the 3 MiB PATCHes, never more than was sent.
    const kept = await waitFor(async () => {
      const s = await status(alice, id);
      return s.bytes_received > 0 ? s : undefined;
    }, { timeoutMs: 10_000, description: 'bytes kept before the abort' });
    expect(kept).toMatchObject({ status: 'UPLOADING', protocol: 'tus', size_bytes: file.length, chunk_size: CHUNK, total_chunks: 5 });
    const path = new URL(first.url).pathname;
    expect(await offsetOf(alice, path)).toBe(kept.bytes_received);
    expect(kept.bytes_received).toBeLessThan(file.length);
    // 3 MiB PATCHes on 5 MiB chunks: what is kept ends inside a chunk, in the tail object.
    expect(kept.bytes_received % CHUNK).not.toBe(0);
    const listed = (await (await fetch(`${gateway.url}/v1/files/uploads?status=UPLOADING`, { headers: { authorization: `Bearer ${alice.token}` } })).json()) as Json;
    expect(listed.uploads).toContainEqual(expect.objectContaining({ upload_id: id, protocol: 'tus' }));

    const resumed = await runClient(file, { uploadUrl: first.url });
    expect(resumed).toEqual({ url: first.url, aborted: false });
    const done = await completed(alice, id);
    expect(done).toMatchObject({ status: 'COMPLETED', sha256: sha256(file), size_bytes: file.length, bytes_received: file.length });

    const meta = (await (await fetch(`${gateway.url}/v1/files/${id}`, { headers: { authorization: `Bearer ${alice.token}` } })).json()) as Json;
    expect(meta).toMatchObject({ status: 'COMPLETED', sha256: sha256(file), filename: 'tus-video.pdf', mime_type: 'application/pdf' });
    const downloaded = Buffer.from(await (await fetch(meta.download_url as string)).arrayBuffer());
    expect(sha256(downloaded)).toBe(sha256(file));
    expect(await storage.list(`uploads/${id}/`)).toHaveLength(0);
  }, 180_000);

  it('Upload-Checksum: a right sha256 or sha1 advances the offset, a wrong one is 460 and changes nothing', async () => {
    const file = pdfBytes(6 * MiB + 100);
    const { path, id, res } = await create(alice, file.length, `filename ${b64('sums.pdf')},filetype ${b64('application/pdf')},sha256 ${b64(sha256(file))}`);
    expect(new Date(res.headers.get('upload-expires')!).getTime()).toBeGreaterThan(Date.now());
    const patch = (offset: number, body: Buffer, checksum?: string) => tus(alice, 'PATCH', path, { 'upload-offset': String(offset), ...(checksum ? { 'upload-checksum': checksum } : {}) }, body);

    const one = file.subarray(0, MiB);
    const right = await patch(0, one, `sha256 ${digest64('sha256', one)}`);
    expect(right.status).toBe(204);
    expect(right.headers.get('upload-offset')).toBe(String(MiB));
    expect(right.headers.get('tus-resumable')).toBe('1.0.0');

    // Across the end of chunk 1: the wrong sum keeps neither the chunk nor the new tail.
    const across = file.subarray(MiB, 5.5 * MiB);
    const wrong = await patch(MiB, across, `sha256 ${digest64('sha256', Buffer.from('other bytes'))}`);
    expect(wrong.status).toBe(460);
    expect(wrong.body.type).toContain('tus-checksum-mismatch');
    expect(await offsetOf(alice, path)).toBe(MiB);
    expect(await status(alice, id)).toMatchObject({ chunks_received: 0, bytes_received: MiB });

    const md5 = await patch(MiB, across, `md5 ${createHash('md5').update(across).digest('base64')}`);
    expect(md5.status).toBe(400);
    expect(md5.body.type).toContain('tus-checksum-algorithm-unsupported');

    const sha1 = await patch(MiB, across, `sha1 ${digest64('sha1', across)}`);
    expect(sha1.status).toBe(204);
    expect(sha1.headers.get('upload-offset')).toBe(String(5.5 * MiB));
    expect(await status(alice, id)).toMatchObject({ chunks_received: 1, received_ranges: [[1, 1]], bytes_received: 5.5 * MiB });

    // A PATCH at another offset than the upload's is 409 with the real offset.
    const stale = await patch(MiB, file.subarray(MiB, 2 * MiB));
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ type: expect.stringContaining('tus-offset-mismatch'), upload_offset: 5.5 * MiB });

    const last = await patch(5.5 * MiB, file.subarray(5.5 * MiB));
    expect(last.status).toBe(204);
    expect(last.headers.get('upload-offset')).toBe(String(file.length));
    expect(await completed(alice, id)).toMatchObject({ status: 'COMPLETED', sha256: sha256(file) });
    const head = await tus(alice, 'HEAD', path);
    expect(head.headers.get('upload-offset')).toBe(String(file.length));
    expect(head.headers.get('upload-length')).toBe(String(file.length));
  }, 60_000);

  it('a PATCH whose connection drops mid-chunk keeps the chunks it completed; the client resumes from HEAD', async () => {
    const file = pdfBytes(12 * MiB);
    const { path, id } = await create(alice, file.length, `filename ${b64('dropped.pdf')},filetype ${b64('application/pdf')}`);
    const dropped = new AbortController();
    const half = fetch(`${gateway.url}${path}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${alice.token}`, 'tus-resumable': '1.0.0', 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'content-length': String(8 * MiB) },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(file.subarray(0, 6 * MiB)));
        },
      }),
      signal: dropped.signal,
      duplex: 'half',
    })
      .then(() => undefined, (e: unknown) => e);
    // The body stops after 6 of 8 MiB: chunk 1 (5 MiB) was committed as soon as it was complete.
    await waitFor(async () => ((await status(alice, id)).chunks_received === 1 ? true : undefined), { timeoutMs: 10_000, description: 'chunk 1 committed' }).finally(() => dropped.abort());
    await half;
    const offset = await waitFor(async () => {
      const o = await offsetOf(alice, path);
      return o === CHUNK ? o : undefined;
    }, { timeoutMs: 10_000, description: 'offset after the drop' });
    const rest = await tus(alice, 'PATCH', path, { 'upload-offset': String(offset) }, file.subarray(offset));
    expect(rest.headers.get('upload-offset')).toBe(String(file.length));
    expect(await completed(alice, id)).toMatchObject({ status: 'COMPLETED', sha256: sha256(file) });
  }, 60_000);

  it('creation-with-upload, HEAD, 412 without Tus-Resumable, termination, another user and expiry', async () => {
    const file = pdfBytes(2 * MiB);
    const { path, id, res } = await create(alice, file.length, `name ${b64('first-bytes.pdf')},type ${b64('application/pdf')}`, file.subarray(0, MiB));
    expect(res.headers.get('upload-offset')).toBe(String(MiB));
    expect(res.headers.get('tus-resumable')).toBe('1.0.0');

    const head = await tus(alice, 'HEAD', path);
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(head.headers.get('upload-offset')).toBe(String(MiB));
    expect(head.headers.get('upload-length')).toBe(String(2 * MiB));
    expect(head.headers.get('upload-metadata')).toContain(`filename ${b64('first-bytes.pdf')}`);
    expect(head.headers.get('upload-expires')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);

    const noVersion = await tus(alice, 'HEAD', path, { 'tus-resumable': '' });
    expect(noVersion.status).toBe(412);
    expect(noVersion.headers.get('tus-version')).toBe('1.0.0');
    const oldVersion = await tus(alice, 'POST', '/v1/files/tus', { 'tus-resumable': '0.2.2', 'upload-length': '10' });
    expect(oldVersion).toMatchObject({ status: 412, body: { type: expect.stringContaining('tus-version-unsupported') } });

    expect((await tus(bob, 'HEAD', path)).status).toBe(404);
    expect((await tus(alice, 'HEAD', `/v1/files/tus/${randomUUID()}`)).status).toBe(404);
    expect((await tus(alice, 'POST', '/v1/files/tus', { 'upload-length': '10', 'upload-metadata': `filename ${b64('a.exe')},filetype ${b64('application/x-msdownload')}` })).status).toBe(422);
    expect((await tus(alice, 'POST', '/v1/files/tus', { 'upload-length': String(3 * 1024 * MiB), 'upload-metadata': `filename ${b64('a.pdf')},filetype ${b64('application/pdf')}` })).status).toBe(413);
    expect((await tus(alice, 'POST', '/v1/files/tus', { 'upload-metadata': `filename ${b64('a.pdf')}` })).status).toBe(400);
    const tooLong = await tus(alice, 'PATCH', path, { 'upload-offset': String(MiB) }, Buffer.alloc(MiB + 1));
    expect(tooLong).toMatchObject({ status: 413, body: { type: expect.stringContaining('tus-upload-length-exceeded') } });

    const deleted = await tus(alice, 'DELETE', path);
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('tus-resumable')).toBe('1.0.0');
    expect((await tus(alice, 'HEAD', path)).status).toBe(404);
    expect(await storage.list(`uploads/${id}/`)).toHaveLength(0);

    // An upload past its Upload-Expires is gone for tus (410), until the GC removes it.
    const late = await create(alice, MiB, `filename ${b64('late.pdf')},filetype ${b64('application/pdf')}`);
    await db.query(`UPDATE file_service.file_uploads SET expires_at = now() - interval '1 second' WHERE id = $1`, [late.id]);
    expect((await tus(alice, 'HEAD', late.path)).status).toBe(410);
    expect((await tus(alice, 'PATCH', late.path, { 'upload-offset': '0' }, Buffer.alloc(10))).status).toBe(410);
  }, 60_000);
});
