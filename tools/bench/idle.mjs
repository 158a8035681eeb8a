// Benchmark (issue 17): what the platform costs with no traffic, and how fast one message gets from
// the API to a socket on it.
//  1. Every app started (auth, gateway, realtime, outbox-relay, message-worker, file-service,
//     connectors), left alone for BENCH_IDLE_WARMUP_SECONDS (10) s, then each one's CPU time
//     (/proc/<pid>/stat, user + system) over BENCH_IDLE_SECONDS (30) s: per app and in total, in % of one core.
//  2. On that idle platform, BENCH_IDLE_MESSAGES (50) messages one at a time, BENCH_IDLE_GAP_MS (200)
//     apart, from a member to a conversation whose other member holds a WebSocket: the time from the
//     POST leaving the client to the message.created frame arriving (p50/p99), and from the 202 to the frame.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, cpuSeconds, fmt, newCaller, percentile, startApp, startPipeline } from './lib.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const WARMUP_SECONDS = Number(process.env.BENCH_IDLE_WARMUP_SECONDS ?? 10);
const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const MESSAGES = Number(process.env.BENCH_IDLE_MESSAGES ?? 50);
const GAP_MS = Number(process.env.BENCH_IDLE_GAP_MS ?? 200);

const platform = await startPipeline({ relays: 1, workers: 1 });
const grpc = { AUTH_GRPC_URL: `127.0.0.1:${platform.auth.grpcPort}`, MESSAGING_GRPC_URL: `127.0.0.1:${platform.gateway.grpcPort}` };
const others = [];
try {
  others.push(await startApp('realtime', grpc));
  others.push(await startApp('file-service', grpc));
  others.push(await startApp('connectors', { MESSAGING_GRPC_URL: grpc.MESSAGING_GRPC_URL, CONNECTORS_SIMULATE: 'true' }));
  const [realtime] = others;
  const apps = [platform.auth, platform.gateway, realtime, ...platform.relays, ...platform.workers, ...others.slice(1)];

  await sleep(WARMUP_SECONDS * 1000);
  const before = apps.map((a) => cpuSeconds(a.child.pid));
  await sleep(SECONDS * 1000);
  const used = apps.map((a, i) => (cpuSeconds(a.child.pid) - before[i]) / SECONDS);

  const url = platform.gateway.url;
  const [alice, bob] = await Promise.all([newCaller(url, 'idle-alice'), newCaller(url, 'idle-bob')]);
  const conv = await api(url, alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId] });
  const arrived = new Map();
  const ws = new WebSocket(`${realtime.url.replace('http', 'ws')}/ws?token=${bob.token}`);
  await new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'ready') resolve();
      if (frame.type === 'message.created') arrived.set(frame.message.message_id, performance.now());
    });
    ws.on('error', reject);
  });
  const fromSend = [];
  const from202 = [];
  for (let i = 0; i < MESSAGES; i++) {
    const id = randomUUID();
    const sent = performance.now();
    const res = await api(url, alice, 'POST', '/v1/messages', { message_id: id, conversation_id: conv.body.id, payload: { type: 'text', text: `idle ${i}` } });
    const accepted = performance.now();
    if (res.status !== 202) throw new Error(`send answered ${res.status}`);
    for (const deadline = Date.now() + 5_000; !arrived.has(id) && Date.now() < deadline; ) await sleep(1);
    if (!arrived.has(id)) throw new Error(`message ${i} never arrived on the socket`);
    fromSend.push(arrived.get(id) - sent);
    from202.push(Math.max(0, arrived.get(id) - accepted));
    await sleep(GAP_MS);
  }
  ws.close();
  fromSend.sort((a, b) => a - b);
  from202.sort((a, b) => a - b);

  console.log('');
  console.log(`idle platform, CPU over ${SECONDS} s after ${WARMUP_SECONDS} s at rest (% of one core):`);
  apps.forEach((a, i) => console.log(`  ${a.name.padEnd(15)} ${fmt(used[i] * 100, 2)} %`));
  console.log(`  all apps        ${fmt(used.reduce((s, u) => s + u, 0) * 100, 2)} %`);
  console.log(`one message at a time on the idle platform (${MESSAGES}, ${GAP_MS} ms apart), POST sent → message.created on the socket:`);
  console.log(`  p50 ${fmt(percentile(fromSend, 50))} ms   p99 ${fmt(percentile(fromSend, 99))} ms   (202 → frame: p50 ${fmt(percentile(from202, 50))} ms   p99 ${fmt(percentile(from202, 99))} ms)`);
} finally {
  others.forEach((a) => a.stop());
  platform.stopAll();
}
