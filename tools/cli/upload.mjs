// `npm run upload -- <file> [--conversation <id>] [--mime <type>] [--parallel <n>]`: uploads a file
// through the gateway with the chunked upload API (docs/files.md), with a progress bar and resume.
// The file is streamed (never whole in memory): its SHA-256 first, then each chunk twice from disk
// (once for its Content-Digest, once as the body). Resume needs no local state: the server lists the
// caller's unfinished uploads, and one with the same name, size and SHA-256 is continued from its
// missing chunks, even from another machine. Ctrl-C leaves the upload unfinished and exits 130.
// Env: CHAT4ALL_GATEWAY_URL (default: the gateway of STACK_INSTANCE/STACK_PORT_OFFSET, like npm start),
// CHAT4ALL_CLIENT_ID / CHAT4ALL_CLIENT_SECRET (default: the instance's demo client), CHAT4ALL_CA_FILE.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createClient } from './http-client.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RETRIES = 5;
const MERGE_TIMEOUT_MS = Number(process.env.CHAT4ALL_MERGE_TIMEOUT_MS ?? 15 * 60_000);

const MIME_BY_EXT = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.heic': 'image/heic',
  '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.webm': 'video/webm', '.3gp': 'video/3gpp',
  '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4', '.ogg': 'audio/ogg', '.aac': 'audio/aac', '.wav': 'audio/wav',
  '.pdf': 'application/pdf', '.zip': 'application/zip', '.doc': 'application/msword', '.xls': 'application/vnd.ms-excel',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.txt': 'text/plain', '.csv': 'text/csv', '.json': 'application/json',
};

const fail = (why) => {
  console.error(`upload: ${why}`);
  process.exit(1);
};

const { values: opts, positionals } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { conversation: { type: 'string' }, mime: { type: 'string' }, parallel: { type: 'string', default: '3' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return fail(error.message);
  }
})();
if (opts.help || positionals.length !== 1) {
  console.error('usage: npm run upload -- <file> [--conversation <id>] [--mime <type>] [--parallel <n, default 3>]');
  process.exit(opts.help ? 0 : 1);
}
const path = positionals[0];
if (!existsSync(path) || !statSync(path).isFile()) fail(`${path} is not a file`);
const size = statSync(path).size;
if (size === 0) fail(`${path} is empty`);
const filename = basename(path);
const mime = opts.mime ?? MIME_BY_EXT[extname(path).toLowerCase()] ?? fail(`cannot tell the type of ${filename} from its extension: pass --mime <type>`);
const parallel = Number(opts.parallel);
if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) fail('--parallel must be 1..16');

// The instance's gateway and demo client, as tools/dev/apps.sh names them.
const instance = process.env.STACK_INSTANCE ?? 'dev';
const offset = Number(process.env.STACK_PORT_OFFSET ?? (instance === 'dev' ? 0 : instance === 'test' ? 1 : NaN));
const instanceDir = instance === 'dev' ? join(ROOT, '.stack') : join(ROOT, '.stack', instance);
const gateway = process.env.CHAT4ALL_GATEWAY_URL ?? (Number.isInteger(offset) ? `https://127.0.0.1:${8080 + 100 * offset}` : fail(`instance ${instance} needs STACK_PORT_OFFSET (or set CHAT4ALL_GATEWAY_URL)`));
const caFile = process.env.CHAT4ALL_CA_FILE ?? join(ROOT, '.stack/tls/cert.pem');
let clientId = process.env.CHAT4ALL_CLIENT_ID;
let clientSecret = process.env.CHAT4ALL_CLIENT_SECRET;
if (!clientId || !clientSecret) {
  const demoFile = join(instanceDir, 'demo-client.json');
  if (!existsSync(demoFile)) fail(`no CHAT4ALL_CLIENT_ID/CHAT4ALL_CLIENT_SECRET and no demo client in ${demoFile}: run npm start first`);
  ({ client_id: clientId, client_secret: clientSecret } = JSON.parse(readFileSync(demoFile, 'utf8')));
}

const http = createClient({ baseUrl: gateway, ca: existsSync(caFile) ? readFileSync(caFile) : undefined, clientId, clientSecret });

/** A JSON call with retries on network errors, 5xx and 429; other 4xx end the run with the problem's text. */
async function call(method, urlPath, body) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await http.json(method, urlPath, body);
      if (res.status < 400) return res.body;
      if (res.status < 500 && res.status !== 429) fail(`${method} ${urlPath} → ${res.status}: ${problemText(res.body)}`);
      if (attempt >= RETRIES) fail(`${method} ${urlPath} → ${res.status} after ${attempt} attempts: ${problemText(res.body)}`);
    } catch (error) {
      if (attempt >= RETRIES) fail(`${method} ${urlPath}: ${error.message} after ${attempt} attempts`);
    }
    await sleep(backoff(attempt));
  }
}

const backoff = (attempt) => Math.min(8_000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2);
const problemText = (p) => (p && typeof p === 'object' ? [p.title, p.detail].filter(Boolean).join(': ') || JSON.stringify(p) : String(p ?? ''));

async function fileSha256(first = 0, last = size - 1) {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { start: first, end: last, highWaterMark: 1024 * 1024 })) hash.update(piece);
  return hash;
}

/** An unfinished upload of this very file (same name, size and SHA-256), newest first, if the server has one. */
async function findUnfinished(sha256, status) {
  for (let cursor; ;) {
    const page = await call('GET', `/v1/files/uploads?status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const match = page.uploads.find((u) => u.filename === filename && u.size_bytes === size && u.sha256?.toLowerCase() === sha256);
    if (match) return match;
    if (!page.next_cursor) return undefined;
    cursor = page.next_cursor;
  }
}

// --- main ---------------------------------------------------------------------------------------
let interrupted = false;
let uploadId;
let completing = false;
let bar;
process.on('SIGINT', () => {
  interrupted = true;
  http.abortAll();
  bar?.stop();
  if (completing) {
    console.error(`\nupload: interrupted; upload ${uploadId} is complete and the server merges it: run the same command again to wait for it`);
  } else if (uploadId) {
    console.error(`\nupload: interrupted; upload ${uploadId} stays unfinished on the server (until it expires).`);
    console.error(`upload: run the same command again to resume it: npm run upload -- ${process.argv.slice(2).join(' ')}`);
  } else console.error('\nupload: interrupted before anything was uploaded');
  process.exit(130);
});

console.log(`upload: ${filename} (${(size / 1024 / 1024).toFixed(1)} MiB, ${mime}) to ${gateway}`);
const sha256 = (await fileSha256()).digest('hex');
console.log(`upload: sha256 ${sha256}`);

// A merge already under way (Ctrl-C after complete): only its outcome is left to wait for.
const merging = await findUnfinished(sha256, 'MERGING');
const existing = merging ?? (await findUnfinished(sha256, 'UPLOADING'));
let chunkSize, missing;
if (merging) {
  uploadId = merging.upload_id;
  chunkSize = merging.chunk_size;
  missing = [];
  console.log(`upload: upload ${uploadId} is complete and being merged: waiting for it`);
} else if (existing) {
  uploadId = existing.upload_id;
  chunkSize = existing.chunk_size;
  const status = await call('GET', `/v1/files/upload/${uploadId}/status`);
  missing = status.missing_chunks;
  console.log(`upload: resuming upload ${uploadId}: ${status.chunks_received} of ${status.total_chunks} chunks already on the server (${status.percentage}%)`);
} else {
  const session = await call('POST', '/v1/files/initiate', { filename, size_bytes: size, mime_type: mime, sha256, ...(opts.conversation ? { conversation_id: opts.conversation } : {}) });
  uploadId = session.upload_id;
  chunkSize = session.chunk_size;
  missing = Array.from({ length: session.total_chunks }, (_, i) => i + 1);
  console.log(`upload: upload ${uploadId}: ${session.total_chunks} chunks of ${(chunkSize / 1024 / 1024).toFixed(0)} MiB (expires ${session.expires_at})`);
}

const chunkRange = (n) => ({ start: (n - 1) * chunkSize, end: Math.min(size, n * chunkSize) - 1 });
const chunkBytes = (n) => chunkRange(n).end - chunkRange(n).start + 1;

bar = new cliProgress.SingleBar(
  { etaBuffer: 40, format: 'upload: [{bar}] {percentage}% | {done}/{total_mib} MiB | {speed} MiB/s | eta {eta_formatted}', hideCursor: true },
  cliProgress.Presets.shades_classic,
);
const started = Date.now();
let sentBytes = 0;
const alreadyThere = size - missing.reduce((sum, n) => sum + chunkBytes(n), 0);
bar.start(size, alreadyThere, { done: (alreadyThere / 1048576).toFixed(0), total_mib: (size / 1048576).toFixed(0), speed: '0.0' });
const progress = (delta) => {
  sentBytes += delta;
  const value = alreadyThere + sentBytes;
  bar.update(value, { done: (value / 1048576).toFixed(0), speed: (sentBytes / 1048576 / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1) });
};

async function sendChunk(n) {
  const { start, end } = chunkRange(n);
  const digest = `sha-256=:${(await fileSha256(start, end)).digest('base64')}:`;
  for (let attempt = 1; ; attempt++) {
    let counted = 0;
    let outcome;
    try {
      const body = createReadStream(path, { start, end, highWaterMark: 256 * 1024 });
      body.on('data', (piece) => {
        counted += piece.length;
        progress(piece.length);
      });
      const res = await http.stream('PATCH', `/v1/files/upload/${uploadId}/${n}`, body, end - start + 1, { 'content-digest': digest });
      if (res.status < 400) return;
      if (res.status < 500 && res.status !== 429) {
        bar.stop();
        fail(`chunk ${n} → ${res.status}: ${problemText(res.body)}`);
      }
      outcome = `${res.status} ${problemText(res.body)}`;
    } catch (error) {
      if (interrupted) return;
      outcome = error.message;
    }
    progress(-counted);
    if (attempt >= RETRIES) {
      bar.stop();
      fail(`chunk ${n} failed ${attempt} times (last: ${outcome}); run the same command again to resume`);
    }
    await sleep(backoff(attempt));
  }
}

const queue = [...missing];
await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
  for (let n = queue.shift(); n !== undefined && !interrupted; n = queue.shift()) await sendChunk(n);
}));
bar.stop();
const seconds = (Date.now() - started) / 1000;
console.log(`upload: sent ${(sentBytes / 1048576).toFixed(1)} MiB in ${seconds.toFixed(1)} s (${(sentBytes / 1048576 / Math.max(seconds, 0.001)).toFixed(1)} MiB/s)`);

const check = await call('GET', `/v1/files/upload/${uploadId}/status`);
if (check.missing_chunks.length) fail(`the server still misses chunks ${check.missing_chunks.join(', ')}: run the same command again`);
completing = true;
if (check.status === 'UPLOADING') await call('POST', '/v1/files/complete', { upload_id: uploadId });
const mergeStarted = Date.now();
let final;
for (const deadline = Date.now() + MERGE_TIMEOUT_MS; Date.now() < deadline; await sleep(500)) {
  const s = await call('GET', `/v1/files/upload/${uploadId}/status`);
  if (s.status === 'COMPLETED' || s.status === 'FAILED') {
    final = s;
    break;
  }
}
if (!final) fail(`upload ${uploadId} not merged after ${MERGE_TIMEOUT_MS / 1000} s: see GET /v1/files/upload/${uploadId}/status`);
if (final.status === 'FAILED') fail(`upload ${uploadId} FAILED: ${final.failure?.code ?? ''} ${final.failure?.reason ?? ''}`.trim());
console.log(`upload: COMPLETED (merged in ${((Date.now() - mergeStarted) / 1000).toFixed(1)} s)`);
if (final.sha256 && final.sha256 !== sha256) fail(`the server's sha256 ${final.sha256} differs from the file's ${sha256}`);
if (opts.conversation) {
  const messageId = randomUUID();
  const sent = await call('POST', '/v1/messages', { message_id: messageId, conversation_id: opts.conversation, payload: { type: 'file', file_id: final.file_id } });
  console.log(`upload: message ${messageId} ${sent.status ?? 'accepted'} in conversation ${opts.conversation}`);
}
console.log(`file_id ${final.file_id}`);
console.log(`sha256  ${final.sha256 ?? sha256}`);
http.close();
