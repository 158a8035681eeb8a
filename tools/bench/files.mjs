// Benchmark (issue 12), one run, printed side by side:
//  (a) upload throughput through Chat4All (the spec's chunk API via the gateway: initiate, PATCH
//      chunks BENCH_FILES_CONCURRENCY at a time with Content-Digest) against a raw multipart upload
//      of the same bytes straight to the same MinIO (ObjectStorage.putMultipart: same part size and
//      concurrency); MB/s each and their ratio (target ≥ 0.5).
//  (b) a large upload end to end (initiate → COMPLETED): total seconds and merge seconds (complete → COMPLETED).
//  (c) RSS of file-service and gateway at rest, and their peaks during (a) and (b) (VmRSS sampled every 200 ms):
//      the same peak for 512 MiB and 2 GiB shows that memory does not grow with the file.
// Bytes are generated per chunk (AES-CTR keystream, a PDF signature in chunk 1): no file, no big buffer.
// Env: BENCH_FILES_MIB (512), BENCH_FILES_BIG_MIB (2048), BENCH_FILES_CONCURRENCY (3), BENCH_FILES_CHUNK_MIB (8).
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '../cli/http-client.mjs';
import { adminCli, fmt, ROOT, startApp } from './lib.mjs';

const require = createRequire(import.meta.url);
const { ObjectStorage } = require(join(ROOT, 'dist/libs/storage/src/index.js'));

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_FILES_MIB ?? 512) * MiB;
const BIG = Number(process.env.BENCH_FILES_BIG_MIB ?? 2048) * MiB;
const CONCURRENCY = Number(process.env.BENCH_FILES_CONCURRENCY ?? 3);
const CHUNK = Number(process.env.BENCH_FILES_CHUNK_MIB ?? 8) * MiB;

/** Chunk `index` (0-based) of the generated file `seed` of `size` bytes. */
function chunkBytes(seed, index, size) {
  const length = Math.min(CHUNK, size - index * CHUNK);
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(index, 12);
  const bytes = createCipheriv('aes-256-ctr', seed, iv).update(Buffer.alloc(length));
  if (index === 0) Buffer.from('%PDF-1.7\n').copy(bytes);
  return bytes;
}
const chunkCount = (size) => Math.ceil(size / CHUNK);

/** Peak VmRSS (KiB) of each pid, sampled every 200 ms until stop(). */
function sampleRss(pids) {
  const peak = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids)) {
      const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak[name] = Math.max(peak[name], kib);
    }
  }, 200);
  return { stop: () => (clearInterval(timer), peak) };
}

async function ok(res, what) {
  if (res.status >= 400) throw new Error(`${what} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Uploads a generated file through the gateway; resolves the times of its phases (ms). */
async function uploadViaChat4All(client, size) {
  const seed = randomBytes(32);
  const t0 = performance.now();
  const session = await ok(await client.json('POST', '/v1/files/initiate', { filename: `bench-${randomUUID()}.pdf`, size_bytes: size, mime_type: 'application/pdf' }), 'initiate');
  if (session.chunk_size !== CHUNK) throw new Error(`file-service hands out ${session.chunk_size}-byte chunks, the bench expects ${CHUNK}`);
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < session.total_chunks; i = next++) {
      const bytes = chunkBytes(seed, i, size);
      const digest = `sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`;
      await ok(await client.stream('PATCH', `/v1/files/upload/${session.upload_id}/${i + 1}`, bytes, bytes.length, { 'content-digest': digest }), `chunk ${i + 1}`);
    }
  }));
  const uploaded = performance.now();
  await ok(await client.json('POST', '/v1/files/complete', { upload_id: session.upload_id }), 'complete');
  for (const deadline = Date.now() + 15 * 60_000; ; await sleep(200)) {
    const s = await ok(await client.json('GET', `/v1/files/upload/${session.upload_id}/status`), 'status');
    if (s.status === 'FAILED') throw new Error(`upload FAILED: ${JSON.stringify(s.failure)}`);
    if (s.status === 'COMPLETED') return { uploadMs: uploaded - t0, mergeMs: performance.now() - uploaded, totalMs: performance.now() - t0 };
    if (Date.now() > deadline) throw new Error(`upload still ${s.status} after 15 minutes`);
  }
}

async function uploadRaw(storage, size) {
  const seed = randomBytes(32);
  const key = `bench/raw-${randomUUID()}`;
  const body = Readable.from((function* () {
    for (let i = 0; i < chunkCount(size); i++) yield chunkBytes(seed, i, size);
  })());
  const t0 = performance.now();
  await storage.putMultipart(key, body, { contentType: 'application/pdf', partSizeBytes: CHUNK, concurrency: CONCURRENCY });
  const ms = performance.now() - t0;
  await storage.deleteKeys([key]).catch(() => undefined);
  return ms;
}

const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);

const auth = await startApp('auth');
const files = await startApp('file-service', { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, FILE_CHUNK_SIZE_BYTES: String(CHUNK), FILE_MAX_SIZE_BYTES: String(Math.max(BIG, SIZE, 2048 * MiB)) });
const relay = await startApp('outbox-relay');
const gateway = await startApp('gateway', {
  AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
  FILE_GRPC_URL: `127.0.0.1:${files.grpcPort}`,
  FILE_SERVICE_URL: files.url,
  RATE_LIMIT_WRITE_PER_MINUTE: '1000000',
  RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE: '100000',
});
const apps = [auth, files, relay, gateway];
try {
  const user = adminCli('create-user', `bench-files-${randomUUID()}`);
  const apiClient = adminCli('create-client', user.name, '--scopes', 'read,write');
  const client = createClient({ baseUrl: gateway.url, clientId: apiClient.client_id, clientSecret: apiClient.client_secret, maxSockets: CONCURRENCY + 2 });
  const storage = ObjectStorage.fromConfig({
    endpoint: process.env.S3_ENDPOINT, region: process.env.S3_REGION ?? 'us-east-1', accessKeyId: process.env.S3_ACCESS_KEY_ID,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY, bucket: process.env.S3_BUCKET, forcePathStyle: true,
  });
  await storage.ensureBucket();

  console.log(`files bench: ${SIZE / MiB} MiB in ${CHUNK / MiB} MiB chunks, ${CONCURRENCY} at a time; then ${BIG / MiB} MiB end to end`);
  await uploadViaChat4All(client, 4 * CHUNK); // warm-up (connections, JIT, prepared statements)
  const pids = { 'file-service': files.child.pid, gateway: gateway.child.pid };
  const atRest = sampleRss(pids);
  await new Promise((r) => setTimeout(r, 500));
  const rest = atRest.stop();
  const small = sampleRss(pids);
  const viaApi = await uploadViaChat4All(client, SIZE);
  const peakSmall = small.stop();
  const rawMs = await uploadRaw(storage, SIZE);
  const apiRate = mbps(SIZE, viaApi.uploadMs);
  const rawRate = mbps(SIZE, rawMs);

  const rss = sampleRss(pids);
  const big = await uploadViaChat4All(client, BIG);
  const peak = rss.stop();
  client.close();

  console.log('');
  console.log(`(a) upload of ${SIZE / MiB} MiB, ${CHUNK / MiB} MiB parts, ${CONCURRENCY} in flight`);
  console.log(`    through Chat4All (gateway → file-service → MinIO): ${fmt(apiRate)} MB/s (${fmt(viaApi.uploadMs / 1000, 2)} s; merge ${fmt(viaApi.mergeMs / 1000, 2)} s)`);
  console.log(`    raw multipart PUT to MinIO:                         ${fmt(rawRate)} MB/s (${fmt(rawMs / 1000, 2)} s)`);
  console.log(`    ratio Chat4All / raw:                               ${fmt(apiRate / rawRate, 2)}  (target ≥ 0.5)`);
  console.log(`(b) ${BIG / MiB} MiB end to end (initiate → COMPLETED): ${fmt(big.totalMs / 1000)} s total, ${fmt(big.uploadMs / 1000)} s upload (${fmt(mbps(BIG, big.uploadMs))} MB/s), ${fmt(big.mergeMs / 1000)} s merge`);
  const mib = (p, name) => fmt(p[name] / 1024);
  console.log(`(c) RSS (MiB)                 file-service   gateway`);
  console.log(`    at rest after warm-up      ${mib(rest, 'file-service').padStart(10)} ${mib(rest, 'gateway').padStart(9)}`);
  console.log(`    peak during (a), ${String(SIZE / MiB).padStart(4)} MiB ${mib(peakSmall, 'file-service').padStart(10)} ${mib(peakSmall, 'gateway').padStart(9)}`);
  console.log(`    peak during (b), ${String(BIG / MiB).padStart(4)} MiB ${mib(peak, 'file-service').padStart(10)} ${mib(peak, 'gateway').padStart(9)}`);
  const growth = (name) => fmt((peak[name] - peakSmall[name]) / 1024);
  console.log(`    (b) − (a), ${BIG / SIZE}× the bytes: file-service ${growth('file-service')} MiB, gateway ${growth('gateway')} MiB`);
} finally {
  apps.forEach((a) => a.stop());
  await Promise.all(apps.map((a) => a.exited));
}
