// Benchmark (issue 6), against the real stack and pipeline (gateway → outbox → relay → Kafka → worker
// → Redis → realtime):
//  1. accept→receive latency p50/p99 with BENCH_RT_CONNECTIONS (5,000) open connections on one
//     realtime instance, while one conversation of BENCH_RT_MEMBERS (100) members receives
//     BENCH_RT_RATE (100) messages/s for BENCH_RT_SECONDS (20) s. Accept time is the message's
//     created_at (the gateway's commit transaction), receive time the client's clock: same machine.
//  2. CPU and memory per connection of one realtime instance holding BENCH_RT_IDLE (10,000) idle
//     connections: RSS growth / connections, and CPU over BENCH_RT_IDLE_SECONDS (30) s of heartbeats.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { api, fmt, newCaller, percentile, startApp, startPipeline } from './lib.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const CONNECTIONS = Number(process.env.BENCH_RT_CONNECTIONS ?? 5000);
const MEMBERS = Number(process.env.BENCH_RT_MEMBERS ?? 100);
const RATE = Number(process.env.BENCH_RT_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_RT_SECONDS ?? 20);
const IDLE = Number(process.env.BENCH_RT_IDLE ?? 10000);
const IDLE_SECONDS = Number(process.env.BENCH_RT_IDLE_SECONDS ?? 30);
const CLK_TCK = 100;

function procStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rssPages = Number(stat[21]);
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / CLK_TCK, rssBytes: rssPages * 4096 };
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
  const total = RATE * SECONDS;
  const started = performance.now();
  const posts = [];
  let rejected = 0;
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    posts.push(
      api(url, sender, 'POST', '/v1/messages', { message_id: randomUUID(), conversation_id: conv.body.id, payload: { type: 'text', text: `load ${i}` } }).then((r) => {
        if (r.status !== 202) rejected++;
      }),
    );
  }
  await Promise.all(posts);
  const expected = (total - rejected) * MEMBERS;
  for (const deadline = Date.now() + 60_000; latencies.length < expected && Date.now() < deadline; ) await sleep(500);
  latencies.sort((a, b) => a - b);
  const busy = { received: latencies.length, expected, p50: percentile(latencies, 50), p99: percentile(latencies, 99), rejected };
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
  console.log(`one realtime instance holding ${IDLE} idle connections (heartbeat every 30 s):`);
  console.log(`  memory: RSS ${fmt(before.rssBytes / 2 ** 20)} MiB → ${fmt(held.rssBytes / 2 ** 20)} MiB = ${fmt((held.rssBytes - before.rssBytes) / IDLE / 1024)} KiB per connection`);
  console.log(`  CPU while idle: ${fmt(((after.cpuSeconds - held.cpuSeconds) / IDLE_SECONDS) * 100, 2)} % of one core over ${IDLE_SECONDS} s = ${fmt(((after.cpuSeconds - held.cpuSeconds) / IDLE_SECONDS / IDLE) * 1e6, 2)} µs of CPU per connection per second`);
} finally {
  realtime?.stop();
  platform.stopAll();
}
