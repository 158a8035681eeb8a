// Benchmark (issue 6), against the real stack and pipeline (gateway → outbox → relay → Kafka → worker
// → Redis → realtime):
//  1. accept→receive latency p50/p99 with BENCH_RT_CONNECTIONS (5,000) open connections on one
//     realtime instance, while one conversation of BENCH_RT_MEMBERS (100) members receives
//     BENCH_RT_RATE (100) messages/s for BENCH_RT_SECONDS (20) s. Accept time is the message's
//     created_at (the gateway's commit transaction), receive time the client's clock: same machine.
//     CPU per delivery: CPU of the apps on the path (gateway, outbox-relay, message-worker, realtime)
//     from the first send to the last delivery, divided by the deliveries.
//  2. CPU and memory per connection of one realtime instance holding BENCH_RT_IDLE (10,000) idle
//     connections: RSS growth / connections, and CPU over BENCH_RT_IDLE_SECONDS (30) s of heartbeats.
//  3. Centrifugo (issue 17), the same load as phase 1 (BENCH_RT_CENTRIFUGO=off skips it): one local
//     process (memory engine), CONNECTIONS WebSocket clients, MEMBERS of them subscribed to one
//     channel, RATE publishes/s for SECONDS through its HTTP API; publish→receive p50/p99 (the payload
//     carries the send time) and its CPU per delivery, then chat4all ÷ centrifugo for each.
// BENCH_RT_CHAT4ALL=off skips phases 1 and 2 (to try phase 3 alone; no ratios then).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { ROOT, api, atRate, fmt, freePort, histogramAt, histogramPercentiles, newCaller, percentile, procStats, stackCpuSeconds, startApp, startPipeline } from './lib.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const CONNECTIONS = Number(process.env.BENCH_RT_CONNECTIONS ?? 5000);
const MEMBERS = Number(process.env.BENCH_RT_MEMBERS ?? 100);
const RATE = Number(process.env.BENCH_RT_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_RT_SECONDS ?? 20);
const IDLE = Number(process.env.BENCH_RT_IDLE ?? 10000);
const IDLE_SECONDS = Number(process.env.BENCH_RT_IDLE_SECONDS ?? 30);
const onOff = (name) => {
  const value = process.env[name] ?? 'on';
  if (value !== 'on' && value !== 'off') throw new Error(`${name} must be on or off, got '${value}'`);
  return value === 'on';
};
const CHAT4ALL = onOff('BENCH_RT_CHAT4ALL');
const CENTRIFUGO = onOff('BENCH_RT_CENTRIFUGO');

const cpuSecondsOf = (pids) => pids.reduce((sum, pid) => sum + procStats(pid).cpuSeconds, 0);

/** Waits until `received()` reaches `expected` or 60 s pass; polls often, so the CPU window ends near the last delivery. */
async function awaitDeliveries(received, expected) {
  for (const deadline = Date.now() + 60_000; received() < expected && Date.now() < deadline; ) await sleep(50);
}

/** Opens `count` sockets in batches; resolves with them once each got its `ready` frame. */
async function openMany(url, token, count, onFrame) {
  const sockets = [];
  for (let i = 0; i < count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, () =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`${url}?token=${token}`);
          ws.on('message', (data) => {
            const frame = JSON.parse(data.toString());
            if (frame.type === 'ready') resolve();
            else onFrame?.(frame);
          });
          ws.on('error', reject);
          ws.on('close', (code) => code !== 1000 && code !== 1005 && reject(new Error(`closed ${code}`)));
          sockets.push(ws);
        }),
      ),
    );
  }
  return sockets;
}

const realtimeEnv = (gatewayGrpc, authGrpc) => ({
  AUTH_GRPC_URL: `127.0.0.1:${authGrpc}`,
  MESSAGING_GRPC_URL: `127.0.0.1:${gatewayGrpc}`,
  WS_MAX_CONNECTIONS_PER_USER: '1000',
  LOG_LEVEL: 'warn',
});

/** Phases 1 and 2 against Chat4All; prints their figures and returns phase 1's. */
async function chat4allPhases() {
  const platform = await startPipeline({ relays: 1, workers: 1 });
  const url = platform.gateway.url;
  let realtime;
  try {
    realtime = await startApp('realtime', realtimeEnv(platform.gateway.grpcPort, platform.auth.grpcPort));
    const wsUrl = `${realtime.url.replace('http', 'ws')}/ws`;

    // Phase 1: one busy conversation of MEMBERS members among CONNECTIONS connections.
    console.log(`creating ${MEMBERS} members...`);
    const members = [];
    for (let i = 0; i < MEMBERS; i++) members.push(await newCaller(url, `rt-bench-${i}`));
    const sender = members[0];
    const conv = await api(url, sender, 'POST', '/v1/conversations', { type: 'group', member_ids: members.map((m) => m.userId), title: 'bench' });
    if (conv.status !== 201) throw new Error(`conversation: ${conv.status} ${JSON.stringify(conv.body)}`);
    const latencies = [];
    const onFrame = (frame) => {
      if (frame.type === 'message.created' && frame.conversation_id === conv.body.id) latencies.push(Date.now() - Date.parse(frame.message.created_at));
    };
    const idleUsers = [];
    for (let i = 0; i < Math.ceil((CONNECTIONS - MEMBERS) / 1000); i++) idleUsers.push(await newCaller(url, `rt-idle-${i}`));
    console.log(`opening ${CONNECTIONS} connections...`);
    const sockets = [];
    for (const m of members) sockets.push(...(await openMany(wsUrl, m.token, 1, onFrame)));
    for (let i = 0; sockets.length < CONNECTIONS; i++) sockets.push(...(await openMany(wsUrl, idleUsers[Math.floor(i / 5)].token, Math.min(200, CONNECTIONS - sockets.length))));

    console.log(`sending ${RATE} messages/s for ${SECONDS} s...`);
    const pathPids = [platform.gateway, ...platform.relays, ...platform.workers, realtime].map((a) => a.child.pid);
    const total = RATE * SECONDS;
    const cpuBefore = cpuSecondsOf(pathPids);
    const stackBefore = stackCpuSeconds();
    // Where the time goes: the worker's and realtime's own accept→ histograms, read around the load.
    const stageHistograms = () => Promise.all([histogramAt(platform.workers[0].internalUrl, 'message_worker_accept_to_processed_seconds'), histogramAt(realtime.internalUrl, 'realtime_accept_to_delivered_seconds')]);
    const stagesBefore = await stageHistograms();
    let rejected = 0;
    await atRate(total, RATE, (i) =>
      api(url, sender, 'POST', '/v1/messages', { message_id: randomUUID(), conversation_id: conv.body.id, payload: { type: 'text', text: `load ${i}` } }).then((r) => {
        if (r.status !== 202) rejected++;
      }),
    );
    const expected = (total - rejected) * MEMBERS;
    await awaitDeliveries(() => latencies.length, expected);
    const cpuSeconds = cpuSecondsOf(pathPids) - cpuBefore;
    const stackAfter = stackCpuSeconds();
    const stackSeconds = stackBefore === undefined || stackAfter === undefined ? undefined : stackAfter - stackBefore;
    const stagesAfter = await stageHistograms();
    const stages = stagesAfter.map((h, i) => histogramPercentiles(h, stagesBefore[i]));
    latencies.sort((a, b) => a - b);
    const perDeliveryUs = (seconds) => (seconds / latencies.length) * 1e6;
    const busy = {
      received: latencies.length,
      expected,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      rejected,
      cpuPerDeliveryUs: perDeliveryUs(cpuSeconds),
      stages,
      withStackUs: stackSeconds === undefined ? undefined : perDeliveryUs(cpuSeconds + stackSeconds),
    };
    sockets.forEach((s) => s.terminate());
    realtime.stop();
    await realtime.exited;

    // Phase 2: a fresh realtime instance, IDLE idle connections.
    realtime = await startApp('realtime', realtimeEnv(platform.gateway.grpcPort, platform.auth.grpcPort));
    const idleUrl = `${realtime.url.replace('http', 'ws')}/ws`;
    const idleCallers = [];
    for (let i = 0; i < Math.ceil(IDLE / 1000); i++) idleCallers.push(await newCaller(url, `rt-idle2-${i}`));
    await sleep(2000);
    const before = procStats(realtime.child.pid);
    console.log(`opening ${IDLE} idle connections...`);
    const idleSockets = [];
    for (let i = 0; idleSockets.length < IDLE; i++) idleSockets.push(...(await openMany(idleUrl, idleCallers[Math.floor(i / 5)].token, Math.min(200, IDLE - idleSockets.length))));
    await sleep(5000);
    const held = procStats(realtime.child.pid);
    await sleep(IDLE_SECONDS * 1000);
    const after = procStats(realtime.child.pid);
    idleSockets.forEach((s) => s.terminate());

    console.log('');
    console.log(`accept→receive, ${CONNECTIONS} connections on one realtime instance, one ${MEMBERS}-member conversation at ${RATE} msg/s for ${SECONDS} s:`);
    console.log(`  p50 ${fmt(busy.p50)} ms   p99 ${fmt(busy.p99)} ms   (${busy.received} of ${busy.expected} deliveries, ${busy.rejected} sends rejected)`);
    const [processed, written] = busy.stages;
    const bound = (ms) => (ms === Infinity ? '> 30000' : `≤ ${fmt(ms, 0)}`);
    console.log(`  stages (bucket bounds of the apps' histograms): accept → processed by the worker p50 ${bound(processed.p50)} ms, p99 ${bound(processed.p99)} ms (${processed.count} messages)   accept → written to a socket by realtime p50 ${bound(written.p50)} ms, p99 ${bound(written.p99)} ms (${written.count} frames)`);
    console.log(`  CPU per delivery (gateway + outbox-relay + message-worker + realtime, first send → last delivery): ${fmt(busy.cpuPerDeliveryUs)} µs`);
    if (busy.withStackUs !== undefined) console.log(`  CPU per delivery with PostgreSQL (and its backends), Redis and Kafka added: ${fmt(busy.withStackUs)} µs`);
    console.log(`one realtime instance holding ${IDLE} idle connections (heartbeat every 30 s):`);
    console.log(`  memory: RSS ${fmt(before.rssBytes / 2 ** 20)} MiB → ${fmt(held.rssBytes / 2 ** 20)} MiB = ${fmt((held.rssBytes - before.rssBytes) / IDLE / 1024)} KiB per connection`);
    console.log(`  CPU while idle: ${fmt(((after.cpuSeconds - held.cpuSeconds) / IDLE_SECONDS) * 100, 2)} % of one core over ${IDLE_SECONDS} s = ${fmt(((after.cpuSeconds - held.cpuSeconds) / IDLE_SECONDS / IDLE) * 1e6, 2)} µs of CPU per connection per second`);
    return busy;
  } finally {
    realtime?.stop();
    platform.stopAll();
    // Exited, not just signalled: the Centrifugo phase runs next on the same cores.
    await Promise.all([platform.auth, platform.gateway, ...platform.relays, ...platform.workers, realtime].filter(Boolean).map((a) => a.exited));
  }
}

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A Centrifugo connection token: HS256 JWT with the user id in `sub`. */
function centrifugoToken(secret, sub) {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** Builds (once, cached) and starts Centrifugo on a free port with a generated config in a temp dir. */
async function startCentrifugo() {
  const bin = execFileSync('bash', [join(ROOT, 'tools/bench/centrifugo.sh')], { stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  // `centrifugo version` prints "Centrifugo v6.9.1 (Go version: ...)".
  const version = /v\d+\.\d+\.\d+\S*/.exec(execFileSync(bin, ['version']).toString())?.[0] ?? 'unknown version';
  const dir = mkdtempSync(join(tmpdir(), 'chat4all-centrifugo-'));
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const apiKey = randomBytes(32).toString('hex');
  // Centrifugo v6 config (nested keys): memory engine, HMAC connection tokens, an HTTP API key, and a
  // namespace whose channels any authenticated client may subscribe to without a subscription token.
  const config = {
    http_server: { address: '127.0.0.1', port },
    log: { level: 'warn' },
    engine: { type: 'memory' },
    client: { token: { hmac_secret_key: secret } },
    http_api: { key: apiKey },
    channel: { namespaces: [{ name: 'bench', allow_subscribe_for_client: true }] },
    health: { enabled: true },
    usage_stats: { disabled: true },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const child = spawn(bin, ['--config', join(dir, 'config.json')], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  const exitedPromise = new Promise((resolve) => child.once('exit', () => resolve((exited = true))));
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && !exited; await sleep(200)) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { version, url, wsUrl: `ws://127.0.0.1:${port}/connection/websocket`, pid: child.pid, secret, apiKey, stop };
  }
  await stop();
  throw new Error(`centrifugo did not become healthy${exited ? ' (it exited: see its log above)' : ''}`);
}

/**
 * One client of Centrifugo's bidirectional JSON protocol: connect with a JWT, then subscribe to
 * `channel` if given; resolves once that is done. Replies to server pings ({} → {}) so idle
 * connections stay open.
 */
function openCentrifugoClient(cf, sub, channel, onPublication) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(cf.wsUrl);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, connect: { token: centrifugoToken(cf.secret, sub), name: 'chat4all-bench' } })));
    ws.on('message', (data) => {
      // A frame may carry several replies, one JSON object per line.
      for (const line of data.toString().split('\n')) {
        if (!line) continue;
        const reply = JSON.parse(line);
        if (reply.error) reject(new Error(`centrifugo ${reply.id === 1 ? 'connect' : 'subscribe'}: ${JSON.stringify(reply.error)}`));
        else if (reply.id === 1 && channel) ws.send(JSON.stringify({ id: 2, subscribe: { channel } }));
        else if (reply.id === 1 || reply.id === 2) resolve(ws);
        else if (reply.push?.pub) onPublication(reply.push.pub.data);
        else if (!reply.id && !reply.push) ws.send('{}');
      }
    });
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`centrifugo closed ${code}`)));
  });
}

/** Phase 3: phase 1's load against Centrifugo. */
async function centrifugoPhase() {
  const cf = await startCentrifugo();
  const sockets = [];
  try {
    const channel = `bench:${randomUUID()}`;
    const latencies = [];
    const onPublication = (data) => latencies.push(performance.now() - data.sent_at);
    console.log(`centrifugo ${cf.version}: opening ${CONNECTIONS} connections, ${MEMBERS} subscribed to one channel...`);
    for (let i = 0; i < CONNECTIONS; i += 200) {
      const batch = Array.from({ length: Math.min(200, CONNECTIONS - i) }, (_, j) => i + j);
      sockets.push(...(await Promise.all(batch.map((n) => openCentrifugoClient(cf, `bench-${n}`, n < MEMBERS ? channel : undefined, onPublication)))));
    }

    console.log(`centrifugo: publishing ${RATE}/s for ${SECONDS} s through its HTTP API...`);
    const total = RATE * SECONDS;
    const cpuBefore = procStats(cf.pid).cpuSeconds;
    let rejected = 0;
    await atRate(total, RATE, (i) => {
      // The client and the publisher are this process: performance.now() is one clock for both ends.
      const body = JSON.stringify({ channel, data: { sent_at: performance.now(), text: `load ${i}` } });
      return fetch(`${cf.url}/api/publish`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': cf.apiKey }, body }).then(
        async (r) => {
          const reply = await r.json();
          if (!r.ok || reply.error) rejected++;
        },
        () => rejected++,
      );
    });
    const expected = (total - rejected) * MEMBERS;
    await awaitDeliveries(() => latencies.length, expected);
    const cpuSeconds = procStats(cf.pid).cpuSeconds - cpuBefore;
    latencies.sort((a, b) => a - b);
    return { version: cf.version, received: latencies.length, expected, rejected, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerDeliveryUs: (cpuSeconds / latencies.length) * 1e6 };
  } finally {
    sockets.forEach((s) => s.terminate());
    await cf.stop();
  }
}

const busy = CHAT4ALL ? await chat4allPhases() : undefined;
if (CENTRIFUGO) {
  const cf = await centrifugoPhase();
  console.log('');
  console.log(`publish→receive, centrifugo ${cf.version} (memory engine, one process), ${CONNECTIONS} connections, one ${MEMBERS}-subscriber channel at ${RATE} publishes/s (HTTP API) for ${SECONDS} s:`);
  console.log(`  p50 ${fmt(cf.p50)} ms   p99 ${fmt(cf.p99)} ms   (${cf.received} of ${cf.expected} deliveries, ${cf.rejected} publishes rejected)`);
  console.log(`  CPU per delivery (the centrifugo process, first publish → last delivery): ${fmt(cf.cpuPerDeliveryUs)} µs`);
  if (busy) {
    console.log('chat4all ÷ centrifugo, same load:');
    console.log(`  p50 ${fmt(busy.p50 / cf.p50)}×   p99 ${fmt(busy.p99 / cf.p99)}×   CPU per delivery ${fmt(busy.cpuPerDeliveryUs / cf.cpuPerDeliveryUs)}×`);
    if (busy.withStackUs !== undefined) console.log(`  CPU per delivery with PostgreSQL, Redis and Kafka added: ${fmt(busy.withStackUs / cf.cpuPerDeliveryUs)}×`);
  }
}
