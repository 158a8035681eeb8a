/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument --
   response bodies are read as loose JSON here; the assertions check their shape. */
import { RealtimeClient } from '@chat4all/sdk';
import { ObjectStorage } from '@chat4all/storage';
import { type Caller, gatewayEnv, newCaller, REPO_ROOT, type RunningApp, stackEnv, startApp, waitFor } from '@chat4all/testing';
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

// Issue 12 against the running system: auth, gateway, file-service and outbox-relay as processes on
// the test stack (real PostgreSQL, Kafka, MinIO). Bytes go client → gateway → file-service → MinIO.
const MiB = 1024 * 1024;
const CHUNK = 8 * MiB;

/** Deterministic bytes: chunk i of the file `seed` (AES-CTR keystream), so a 1 GiB file needs no disk. */
function chunkBytes(seed: Buffer, index: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 12);
  const bytes = createCipheriv('aes-256-ctr', seed, iv).update(Buffer.alloc(length));
  // A PDF, as far as magic bytes go (file-service checks the declared type against them).
  if (index === 0) PDF_MAGIC.copy(bytes);
  return bytes;
}
const PDF_MAGIC = Buffer.from('%PDF-1.7\n');
const pdfBytes = (length: number) => chunkBytes(randomBytes(32), 0, length);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64digest = (b: Buffer) => `sha-256=:${createHash('sha256').update(b).digest('base64')}:`;

describe('files: resumable uploads into MinIO, merge, checks, dedup, GC', () => {
  let auth: RunningApp, gateway: RunningApp, files: RunningApp, relay: RunningApp, worker: RunningApp, realtime: RunningApp;
  let alice: Caller, bob: Caller, carol: Caller;
  const storage = ObjectStorage.fromConfig(stackEnv().storage);
  const db = new Client({ connectionString: stackEnv().database.url });
  const fileEnv = (authGrpcPort: number) => ({ AUTH_GRPC_URL: `127.0.0.1:${authGrpcPort}`, FILE_GC_INTERVAL_SECONDS: '1', FILE_CHUNK_SIZE_BYTES: String(CHUNK) });

  async function api(who: Caller, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const isBytes = Buffer.isBuffer(body);
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, ...(body === undefined ? {} : { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' }), ...headers },
      body: body === undefined ? undefined : isBytes ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : {}) as Record<string, any> };
  }

  const initiate = (who: Caller, input: Record<string, unknown>) => api(who, 'POST', '/v1/files/initiate', input);
  const status = async (who: Caller, id: string) => (await api(who, 'GET', `/v1/files/upload/${id}/status`)).body;
  const objectsOf = async (uploadId: string) => (await storage.list(`uploads/${uploadId}/`)).length;
  const settled = (who: Caller, id: string, timeoutMs = 30_000) =>
    waitFor(async () => {
      const s = await status(who, id);
      return s.status === 'COMPLETED' || s.status === 'FAILED' ? s : undefined;
    }, { timeoutMs, description: `upload ${id} merged` });

  /** Initiates and uploads a whole small file (one chunk per CHUNK bytes), then completes it. */
  async function uploadWhole(who: Caller, bytes: Buffer, filename: string, mime: string) {
    const init = await initiate(who, { filename, size_bytes: bytes.length, mime_type: mime });
    expect(init.status).toBe(201);
    const id = init.body.upload_id as string;
    for (let n = 1; n <= init.body.total_chunks; n++) {
      expect((await api(who, 'PATCH', `/v1/files/upload/${id}/${n}`, bytes.subarray((n - 1) * CHUNK, n * CHUNK))).status).toBe(200);
    }
    expect((await api(who, 'POST', '/v1/files/complete', { upload_id: id })).status).toBe(202);
    return id;
  }

  beforeAll(async () => {
    await db.connect();
    auth = await startApp('auth');
    files = await startApp('file-service', { env: fileEnv(auth.grpcPort) });
    relay = await startApp('outbox-relay');
    worker = await startApp('message-worker');
    gateway = await startApp('gateway', {
      env: {
        ...gatewayEnv({ auth, worker, files }),
        RATE_LIMIT_WRITE_PER_MINUTE: '100000',
      },
    });
    realtime = await startApp('realtime', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}` } });
    [alice, bob, carol] = await Promise.all([newCaller(gateway.url, 'files-alice'), newCaller(gateway.url, 'files-bob'), newCaller(gateway.url, 'files-carol')]);
  }, 120_000);

  afterAll(async () => {
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    for (const app of [gateway, files]) if (app) writeFileSync(join(REPO_ROOT, `.stack/logs/tests/files-${app.name}.log`), app.output());
    await db.end();
    storage.destroy();
    await Promise.all([auth, gateway, files, relay, worker, realtime].map((a) => a?.stop('SIGTERM')));
  }, 60_000);

  it('a 1 GiB upload interrupted halfway resumes from status and is stored byte-exact', async () => {
    const size = 1024 * MiB;
    const seed = randomBytes(32);
    const whole = createHash('sha256');
    const chunks = size / CHUNK;
    for (let i = 0; i < chunks; i++) whole.update(chunkBytes(seed, i, CHUNK));
    const sourceSha = whole.digest('hex');

    const init = await initiate(alice, { filename: 'holiday.mp4', size_bytes: size, mime_type: 'application/pdf', sha256: sourceSha });
    expect(init.status).toBe(201);
    expect(init.body).toMatchObject({ chunk_size: CHUNK, total_chunks: 128 });
    const id = init.body.upload_id as string;
    // The first half, then the connection "drops" in the middle of chunk 65: nothing of it is kept.
    for (let n = 1; n <= 64; n++) expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/${n}`, chunkBytes(seed, n - 1, CHUNK))).status).toBe(200);
    const dropped = new AbortController();
    const half = fetch(`${gateway.url}/v1/files/upload/${id}/65`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/octet-stream', 'content-length': String(CHUNK) },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(chunkBytes(seed, 64, CHUNK).subarray(0, CHUNK / 2)));
          setTimeout(() => dropped.abort(), 200);
        },
      }),
      signal: dropped.signal,
      duplex: 'half',
    }).catch((e: unknown) => e);
    await half;

    // Another device asks what is unfinished, and where this one stands.
    const open = await api(alice, 'GET', '/v1/files/uploads?status=UPLOADING');
    expect(open.body.uploads.map((u: { upload_id: string }) => u.upload_id)).toContain(id);
    const mid = await waitFor(async () => {
      const s = await status(alice, id);
      return s.chunks_received === 64 ? s : undefined;
    }, { timeoutMs: 10_000, description: 'status after the drop' });
    expect(mid).toMatchObject({ status: 'UPLOADING', received_ranges: [[1, 64]], percentage: 50, bytes_received: 64 * CHUNK });
    expect(mid.missing_chunks[0]).toBe(65);
    for (const n of mid.missing_chunks as number[]) expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/${n}`, chunkBytes(seed, n - 1, CHUNK))).status).toBe(200);
    expect((await api(alice, 'POST', '/v1/files/complete', { upload_id: id })).status).toBe(202);
    const done = await settled(alice, id, 120_000);
    expect(done).toMatchObject({ status: 'COMPLETED', sha256: sourceSha, file_id: id });

    // The object in MinIO, downloaded through the URL the API hands out, is the source byte for byte.
    const file = await api(alice, 'GET', `/v1/files/${id}`);
    expect(file.body).toMatchObject({ status: 'COMPLETED', size_bytes: size, sha256: sourceSha });
    const download = await fetch(file.body.download_url as string);
    const got = createHash('sha256');
    for await (const piece of download.body as unknown as AsyncIterable<Uint8Array>) got.update(piece);
    expect(got.digest('hex')).toBe(sourceSha);
    expect(await objectsOf(id)).toBe(0);
  }, 600_000);

  it('15 of 20 chunks is 75 % with the ranges; the 20 chunks merge within 5 s', async () => {
    const seed = randomBytes(32);
    const init = await initiate(alice, { filename: 'report.pdf', size_bytes: 20 * CHUNK, mime_type: 'application/pdf' });
    const id = init.body.upload_id as string;
    for (let n = 1; n <= 15; n++) expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/${n}`, chunkBytes(seed, n - 1, CHUNK))).status).toBe(200);
    const s = await status(alice, id);
    expect(s).toMatchObject({ percentage: 75, chunks_received: 15, total_chunks: 20, received_ranges: [[1, 15]], missing_chunks: [16, 17, 18, 19, 20] });
    // The same upload seen through tus: its offset is the 15 chunks.
    const head = await fetch(`${gateway.url}/v1/files/tus/${id}`, { method: 'HEAD', headers: { authorization: `Bearer ${alice.token}`, 'tus-resumable': '1.0.0' } });
    expect([head.status, head.headers.get('upload-offset'), head.headers.get('upload-length')]).toEqual([200, String(15 * CHUNK), String(20 * CHUNK)]);
    // complete before the end: 409 naming what is missing.
    const early = await api(alice, 'POST', '/v1/files/complete', { upload_id: id });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: expect.stringContaining('upload-incomplete'), missing_chunks: [16, 17, 18, 19, 20] });
    for (let n = 16; n <= 20; n++) expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/${n}`, chunkBytes(seed, n - 1, CHUNK))).status).toBe(200);
    const started = Date.now();
    expect((await api(alice, 'POST', '/v1/files/complete', { upload_id: id })).status).toBe(202);
    expect((await settled(alice, id)).status).toBe('COMPLETED');
    expect(Date.now() - started).toBeLessThan(5000);
  }, 120_000);

  it('refuses bad chunks and bad requests with the documented errors, keeping the upload as it was', async () => {
    const seed = randomBytes(32);
    const init = await initiate(alice, { filename: 'a.zip', size_bytes: 2 * CHUNK, mime_type: 'application/pdf' });
    const id = init.body.upload_id as string;
    const one = chunkBytes(seed, 0, CHUNK);

    const wrong = await api(alice, 'PATCH', `/v1/files/upload/${id}/1`, one, { 'content-digest': b64digest(Buffer.from('something else')) });
    expect(wrong).toMatchObject({ status: 400, type: expect.stringContaining('application/problem+json'), body: { type: expect.stringContaining('chunk-checksum-mismatch') } });
    expect(await status(alice, id)).toMatchObject({ chunks_received: 0, bytes_received: 0 });
    const right = await api(alice, 'PATCH', `/v1/files/upload/${id}/1`, one, { 'content-digest': b64digest(one) });
    expect(right).toMatchObject({ status: 200, body: { already_received: false, chunks_received: 1 } });
    // Re-sending a received chunk changes nothing.
    expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/1`, one)).body).toMatchObject({ already_received: true, chunks_received: 1 });

    expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/2`, Buffer.alloc(CHUNK + 1))).body.type).toContain('chunk-too-large');
    expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/2`, Buffer.alloc(CHUNK + 1))).status).toBe(413);
    expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/3`, Buffer.alloc(10))).status).toBe(400);
    expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/0`, Buffer.alloc(10))).body.type).toContain('chunk-out-of-range');
    // Someone else's upload does not exist for them.
    expect((await api(bob, 'PATCH', `/v1/files/upload/${id}/2`, chunkBytes(seed, 1, CHUNK))).status).toBe(404);
    expect((await api(bob, 'GET', `/v1/files/upload/${id}/status`)).status).toBe(404);
    expect((await api(bob, 'GET', `/v1/files/upload/${randomUUID()}/status`)).status).toBe(404);

    const tooBig = await initiate(alice, { filename: 'huge.zip', size_bytes: 2 * 1024 * 1024 * MiB + 1, mime_type: 'application/pdf' });
    expect(tooBig).toMatchObject({ status: 413, body: { type: expect.stringContaining('file-too-large') } });
    expect((await initiate(alice, { filename: 'x.exe', size_bytes: 10, mime_type: 'application/x-msdownload' })).status).toBe(422);
    const traversal = await initiate(alice, { filename: '../../etc/pa\u202Esswd\u0007.txt', size_bytes: 10, mime_type: 'text/plain' });
    expect(traversal.status).toBe(201);
    expect((await status(alice, traversal.body.upload_id)).filename).toBe('passwd.txt');
    expect((await initiate(alice, { filename: `${'n'.repeat(256)}.txt`, size_bytes: 10, mime_type: 'text/plain' })).status).toBe(400);

    // After complete, chunks are refused.
    expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/2`, chunkBytes(seed, 1, CHUNK))).status).toBe(200);
    expect((await api(alice, 'POST', '/v1/files/complete', { upload_id: id })).status).toBe(202);
    const late = await api(alice, 'PATCH', `/v1/files/upload/${id}/2`, chunkBytes(seed, 1, CHUNK));
    expect(late.status).toBe(409);
    await settled(alice, id);
  }, 120_000);

  it('a PNG declared as PDF and an executable named .jpg end FAILED with the reason', async () => {
    // A real 1×1 PNG.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    const asPdf = await uploadWhole(alice, png, 'invoice.pdf', 'application/pdf');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), randomBytes(4000)]);
    const asJpg = await uploadWhole(alice, exe, 'cat.jpg', 'image/jpeg');
    expect(await settled(alice, asPdf)).toMatchObject({ status: 'FAILED', failure: { code: 'content-type-mismatch', reason: expect.stringContaining('image/png') } });
    expect(await settled(alice, asJpg)).toMatchObject({ status: 'FAILED', failure: { code: 'executable-content' } });
    expect(await objectsOf(asPdf)).toBe(0);
  }, 60_000);

  it('a file message reaches the other member over WebSocket; only members may download it', async () => {
    const sockets = [alice, bob].map((who) => new RealtimeClient({ url: `ws://127.0.0.1:${realtime.httpPort}/ws`, token: () => who.token, backoff: { baseMs: 50, maxMs: 500 } }));
    const frames: Record<string, unknown>[][] = [[], []];
    sockets.forEach((c, i) => {
      c.on('event', (e: Record<string, unknown>) => frames[i].push(e));
      c.on('file', (e: Record<string, unknown>) => frames[i].push(e));
      c.on('error', () => undefined);
    });
    await Promise.all(sockets.map((c) => new Promise<void>((resolve) => { c.once('ready', () => resolve()); c.start(); })));
    try {
      const bytes = pdfBytes(300_000);
      const conversation = await api(alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId] });
      const conversationId = conversation.body.id as string;
      const init = await initiate(alice, { filename: 'contract.pdf', size_bytes: bytes.length, mime_type: 'application/pdf', conversation_id: conversationId });
      const id = init.body.upload_id as string;
      const send = (who: Caller, fileId: string) => api(who, 'POST', '/v1/messages', { message_id: randomUUID(), conversation_id: conversationId, payload: { type: 'file', file_id: fileId } });
      expect((await send(alice, id)).body.type).toContain('file-not-ready');
      expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/1`, bytes)).status).toBe(200);
      expect((await api(alice, 'POST', '/v1/files/complete', { upload_id: id })).status).toBe(202);
      // The uploader's socket hears that the file is ready.
      await waitFor(() => frames[0].find((f) => f.type === 'file.completed' && f.upload_id === id), { timeoutMs: 15_000, description: 'file.completed frame' });
      // Carol cannot send or see Alice's file; Alice sends it to Bob.
      expect((await send(carol, id)).status).toBe(404);
      expect((await send(alice, id)).status).toBe(202);
      const frame = (await waitFor(() => frames[1].find((f) => f.type === 'message.created' && f.conversation_id === conversationId), { timeoutMs: 15_000, description: "Bob's message.created" })) as { message: { payload: unknown } };
      expect(frame.message.payload).toEqual({ type: 'file', file_id: id, filename: 'contract.pdf', mime_type: 'application/pdf', size_bytes: bytes.length, sha256: sha256(bytes) });
      const forBob = await api(bob, 'GET', `/v1/files/${id}`);
      expect(forBob).toMatchObject({ status: 200, body: { filename: 'contract.pdf', sha256: sha256(bytes) } });
      const download = await fetch(forBob.body.download_url as string);
      expect(download.headers.get('content-type')).toBe('application/pdf');
      expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(bytes));
      expect(await api(carol, 'GET', `/v1/files/${id}`)).toMatchObject({ status: 404, body: { type: expect.stringContaining('file-not-found') } });
    } finally {
      sockets.forEach((c) => c.stop());
    }
  }, 60_000);

  it('two identical uploads keep one object; deleting one keeps it for the other', async () => {
    const bytes = Buffer.concat([pdfBytes(CHUNK), pdfBytes(12345)]);
    const first = await uploadWhole(alice, bytes, 'same.pdf', 'application/pdf');
    const second = await uploadWhole(bob, bytes, 'copy.pdf', 'application/pdf');
    const [a, b] = [await settled(alice, first), await settled(bob, second)];
    expect(a.sha256).toBe(sha256(bytes));
    expect(b.sha256).toBe(a.sha256);
    const stored = await storage.list(`blobs/${a.sha256.slice(0, 2)}/${a.sha256}`);
    expect(stored).toEqual([{ key: `blobs/${a.sha256.slice(0, 2)}/${a.sha256}`, sizeBytes: bytes.length }]);
    expect((await api(alice, 'DELETE', `/v1/files/${first}`)).status).toBe(204);
    expect(await storage.list(`blobs/${a.sha256.slice(0, 2)}/${a.sha256}`)).toHaveLength(1);
    const stillThere = await api(bob, 'GET', `/v1/files/${second}`);
    expect(sha256(Buffer.from(await (await fetch(stillThere.body.download_url as string)).arrayBuffer()))).toBe(a.sha256);
    // Bob cannot see Alice's file (it was never sent to him).
    expect((await api(bob, 'GET', `/v1/files/${first}`)).status).toBe(404);
    // The last file with that content gone, the object goes too.
    expect((await api(bob, 'DELETE', `/v1/files/${second}`)).status).toBe(204);
    expect(await storage.list(`blobs/${a.sha256.slice(0, 2)}/${a.sha256}`)).toEqual([]);
  }, 60_000);

  it('the GC removes an upload still UPLOADING past its expiry from PostgreSQL and MinIO', async () => {
    const init = await initiate(alice, { filename: 'abandoned.zip', size_bytes: 2 * CHUNK, mime_type: 'application/pdf' });
    const id = init.body.upload_id as string;
    expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/1`, randomBytes(CHUNK))).status).toBe(200);
    expect(await objectsOf(id)).toBe(1);
    // 24 h and a minute later:
    await db.query(`UPDATE file_service.file_uploads SET created_at = now() - interval '24 hours 1 minute', expires_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    await waitFor(async () => ((await db.query(`SELECT 1 FROM file_service.file_uploads WHERE id = $1`, [id])).rowCount === 0 ? true : undefined), { timeoutMs: 15_000, description: 'GC removed the row' });
    expect(await objectsOf(id)).toBe(0);
    const metrics = await (await fetch(`${files.internalUrl}/metrics`)).text();
    expect(Number(/^file_service_gc_reclaimed_bytes_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(CHUNK);
  }, 60_000);

  it('file-service killed during a merge completes the file once after restart, chunks gone', async () => {
    const seed = randomBytes(32);
    const count = 48;
    const init = await initiate(alice, { filename: 'big.zip', size_bytes: count * CHUNK, mime_type: 'application/pdf' });
    const id = init.body.upload_id as string;
    for (let n = 1; n <= count; n++) expect((await api(alice, 'PATCH', `/v1/files/upload/${id}/${n}`, chunkBytes(seed, n - 1, CHUNK))).status).toBe(200);
    expect((await api(alice, 'POST', '/v1/files/complete', { upload_id: id })).status).toBe(202);
    // As soon as the merge has begun (the upload refers to its blob), kill -9.
    await waitFor(async () => ((await db.query(`SELECT 1 FROM file_service.file_uploads WHERE id = $1 AND sha256 IS NOT NULL`, [id])).rowCount ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 5,
      description: 'merge started',
    });
    await files.stop('SIGKILL');
    const mid = (await db.query(`SELECT status FROM file_service.file_uploads WHERE id = $1`, [id])).rows[0] as { status: string };
    files = await startApp('file-service', { env: { ...fileEnv(auth.grpcPort), HTTP_PORT: String(files.httpPort), GRPC_PORT: String(files.grpcPort) } });
    const done = await settled(alice, id, 60_000);
    expect({ before: mid.status, after: done.status }).toEqual({ before: 'MERGING', after: 'COMPLETED' });
    const whole = createHash('sha256');
    for (let i = 0; i < count; i++) whole.update(chunkBytes(seed, i, CHUNK));
    expect(done.sha256).toBe(whole.digest('hex'));
    expect(await objectsOf(id)).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM file_service.file_upload_chunks WHERE upload_id = $1`, [id])).rows[0]).toEqual({ n: 0 });
    expect(files.output()).not.toContain('"level":"error"');
  }, 240_000);
});
