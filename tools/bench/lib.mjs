// Helpers shared by the benchmarks: start built apps on free ports against the stack, percentiles.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The test kit's (built by run.sh before any benchmark): a free port outside the ephemeral range.
export const { freePort } = createRequire(import.meta.url)(join(ROOT, 'dist/libs/testing/src/ports.js'));

export async function startApp(name, env = {}) {
  // Ports given in env win (a caller that must know the port before the app starts picks it).
  const httpPort = env.HTTP_PORT ? Number(env.HTTP_PORT) : await freePort();
  const internalPort = env.INTERNAL_HTTP_PORT ? Number(env.INTERNAL_HTTP_PORT) : await freePort();
  const grpcPort = env.GRPC_PORT ? Number(env.GRPC_PORT) : await freePort();
  // Fatal start-up lines (bad config) go to stderr; normal logs are silenced unless BENCH_LOG_DIR
  // names a folder to keep them in (one file per app and port).
  const logDir = process.env.BENCH_LOG_DIR;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const stdout = logDir ? openSync(join(logDir, `${name}-${httpPort}.log`), 'a') : 'ignore';
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps', name, 'src/main.js')], {
    env: { ...process.env, LOG_LEVEL: logDir ? 'info' : 'warn', HTTP_PORT: String(httpPort), INTERNAL_HTTP_PORT: String(internalPort), GRPC_PORT: String(grpcPort), ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  // url: the public listener (gateway, realtime, connectors); internalUrl: health and metrics.
  const url = `http://127.0.0.1:${httpPort}`;
  const internalUrl = `http://127.0.0.1:${internalPort}`;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && !exited; await sleep(200)) {
    const ok = await fetch(`${internalUrl}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return { name, url, internalUrl, grpcPort, child, exited: new Promise((r) => (exited ? r() : child.once('exit', r))), stop: () => child.kill('SIGTERM') };
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready${exited ? ' (it exited: see its log line above)' : ''}`);
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (n, digits = 1) => n.toFixed(digits);

/** Runs the auth admin CLI (create-user, create-client, ...) and returns its JSON output. */
export const adminCli = (...args) => JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/apps/auth/src/cli/admin.js'), ...args]).toString());

/** A new user with an API client and an access token from the gateway. */
export async function newCaller(gatewayUrl, name, scopes = 'read,write') {
  const user = adminCli('create-user', `${name}-${randomUUID()}`);
  const client = adminCli('create-client', user.name, '--scopes', scopes);
  const res = await fetch(`${gatewayUrl}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString(),
  });
  const { access_token } = await res.json();
  return { userId: user.user_id, token: access_token };
}

/** A JSON request to the gateway as a caller (extra headers optional, e.g. Idempotency-Key); resolves with { status, body, headers }. */
export async function api(gatewayUrl, caller, method, path, body, headers = {}) {
  const res = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${caller.token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Starts auth, gateways (the first is `gateway`) and the given numbers of relays and workers (the message pipeline). */
export async function startPipeline({ relays = 1, workers = 1, gateways = 1, gatewayEnv = {} } = {}) {
  const started = [];
  const track = async (promise) => {
    const app = await promise;
    started.push(app);
    return app;
  };
  try {
    return await startPipelineApps(track, { relays, workers, gateways, gatewayEnv });
  } catch (error) {
    started.forEach((a) => a.stop());
    throw error;
  }
}

async function startPipelineApps(track, { relays, workers, gateways, gatewayEnv }) {
  const auth = await track(startApp('auth'));
  const workerApps = await Promise.all(Array.from({ length: workers }, () => track(startApp('message-worker'))));
  const relayApps = await Promise.all(Array.from({ length: relays }, () => track(startApp('outbox-relay'))));
  const gatewayApps = await Promise.all(
    Array.from({ length: gateways }, () =>
      track(startApp('gateway', {
        AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
        ...(workerApps.length ? { DELIVERY_GRPC_URL: `127.0.0.1:${workerApps[0].grpcPort}` } : {}),
        RATE_LIMIT_WRITE_PER_MINUTE: '1000000',
        RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE: '100000',
        ...gatewayEnv,
      })),
    ),
  );
  return {
    auth,
    gateway: gatewayApps[0],
    gateways: gatewayApps,
    relays: relayApps,
    workers: workerApps,
    stopAll: () => [auth, ...gatewayApps, ...relayApps, ...workerApps].forEach((a) => a.stop()),
  };
}

/** A process's CPU time so far (user + system, seconds) and resident memory (bytes), from /proc/<pid>/stat. */
export function procStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100, rssBytes: Number(stat[21]) * 4096 };
}

export const cpuSeconds = (pid) => procStats(pid).cpuSeconds;

/**
 * CPU seconds so far of each of this stack instance's local services (PostgreSQL with its backends,
 * Redis, Kafka, Zipkin when it runs); undefined when PostgreSQL, Redis or Kafka is not a local
 * process of it (an external one). A PostgreSQL backend is a child process: the live ones are read
 * one by one, the exited ones are in the postmaster's reaped-children time.
 */
export function stackCpu() {
  const stack = join(ROOT, '.stack', process.env.STACK_INSTANCE ?? 'dev');
  const firstLine = (file) => {
    try {
      return Number(readFileSync(file, 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  const live = (pid) => {
    try {
      return pid ? procStats(pid).cpuSeconds : undefined;
    } catch {
      return undefined; // a pid file left by a stopped service
    }
  };
  const postmaster = firstLine(join(stack, 'data/postgres/postmaster.pid'));
  const [redis, kafka, zipkin] = ['redis', 'kafka', 'zipkin'].map((name) => live(firstLine(join(stack, 'run', `${name}.pid`))));
  if (live(postmaster) === undefined || redis === undefined || kafka === undefined) return undefined;
  const stat = readFileSync(`/proc/${postmaster}/stat`, 'utf8').split(') ')[1].split(' ');
  let postgres = (Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14])) / 100;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) === postmaster) postgres += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // exited while the list was read: its time is in the postmaster's reaped-children time
    }
  }
  return { postgres, redis, kafka, ...(zipkin === undefined ? {} : { zipkin }) };
}

/** PostgreSQL, Redis and Kafka together (stackCpu), or undefined. */
export function stackCpuSeconds() {
  const s = stackCpu();
  return s && s.postgres + s.redis + s.kafka;
}

/** Calls send(i) for i = 0 … total − 1, `rate` calls a second on schedule (never waiting for an answer); resolves with their results. */
export async function atRate(total, rate, send) {
  const started = performance.now();
  const calls = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    calls.push(send(i));
  }
  return Promise.all(calls);
}

/** The machine's busy and total CPU time so far (jiffies, all cores), from /proc/stat. */
export function machineCpu() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const idle = n[3] + n[4];
  const total = n.reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}

/**
 * `clients` concurrent clients, each POSTing /v1/messages (alternating between the two callers,
 * round the conversations) and sending the next once answered, for `seconds`; client w talks to
 * urls[w % urls.length]. Resolves with the accepted ids, their latencies (ms, sorted) and the
 * count of other answers.
 */
export async function postMessagesClosedLoop({ urls, callers, conversations, clients, seconds, label = 'bench' }) {
  const latencies = [];
  const ids = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      const url = urls[w % urls.length];
      for (let i = 0; Date.now() < deadline; i++) {
        const id = randomUUID();
        const t0 = performance.now();
        const res = await api(url, callers[i % callers.length], 'POST', '/v1/messages', {
          message_id: id,
          conversation_id: conversations[(w * 7 + i) % conversations.length],
          payload: { type: 'text', text: `${label} ${w}/${i}` },
        });
        if (res.status === 202) {
          latencies.push(performance.now() - t0);
          ids.push(id);
        } else errors++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { ids, latencies, errors };
}

/** A Prometheus histogram an app serves on /metrics: cumulative count per bucket upper bound (ms), all series summed. */
export async function histogramAt(internalUrl, name) {
  const text = await fetch(`${internalUrl}/metrics`).then((r) => r.text());
  const buckets = new Map();
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\d+(?:\\.\\d+)?)`, 'gm'))) {
    const le = m[1] === '+Inf' ? Infinity : Number(m[1]) * 1000;
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
  }
  return buckets;
}

/**
 * The upper bound (ms) of the bucket each percentile falls in, e.g. { p50: 25, p99: 250, count }, of
 * what was observed between two reads of histogramAt (`before` is subtracted). Bounds, not exact
 * values: what the app's own buckets can tell of one stage.
 */
export function histogramPercentiles(after, before = new Map(), ps = [50, 99]) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cumulative = bounds.map((le) => [le, after.get(le) - (before.get(le) ?? 0)]);
  const count = cumulative.at(-1)?.[1] ?? 0;
  const out = { count };
  for (const p of ps) out[`p${p}`] = cumulative.find(([, c]) => c >= (p / 100) * count)?.[0];
  return out;
}
