// Benchmark (issue 17): does the pipeline scale out on this machine? The same offered load (a closed
// loop of BENCH_SCALE_CLIENTS (32) clients sending to BENCH_SCALE_CONVERSATIONS (50) conversations for
// BENCH_SCALE_SECONDS (20) s, spread over the gateways) against 1 gateway, 1 relay and 1 worker, then
// against BENCH_SCALE_INSTANCES (2) of each. For each run: accepted/s with the API's p50/p99, messages
// processed by the workers per second (until every accepted one is), accept → processed p50/p99, and
// how busy the machine's CPUs were while the clients sent, and each stage's CPU per message (its
// apps' CPU time from the first send until every message was processed). Then the ratios, scaled ÷ single.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, cpuSeconds, fmt, machineCpu, newCaller, percentile, postMessagesClosedLoop, stackCpu, startPipeline } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

const CLIENTS = Number(process.env.BENCH_SCALE_CLIENTS ?? 32);
const CONVERSATIONS = Number(process.env.BENCH_SCALE_CONVERSATIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 20);
const INSTANCES = Number(process.env.BENCH_SCALE_INSTANCES ?? 2);

const db = new Client({ connectionString: process.env.DATABASE_URL });
await db.connect();

async function run(n) {
  const platform = await startPipeline({ relays: n, workers: n, gateways: n });
  try {
    const urls = platform.gateways.map((g) => g.url);
    const [alice, bob] = await Promise.all([newCaller(urls[0], 'scale-alice'), newCaller(urls[0], 'scale-bob')]);
    const conversations = [];
    for (let i = 0; i < CONVERSATIONS; i++) conversations.push((await api(urls[0], alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId] })).body.id);

    const roles = { gateway: platform.gateways, 'outbox-relay': platform.relays, 'message-worker': platform.workers, auth: [platform.auth] };
    const roleCpu = () => Object.fromEntries(Object.entries(roles).map(([role, apps]) => [role, apps.reduce((s, a) => s + cpuSeconds(a.child.pid), 0)]));
    const apps0 = roleCpu();
    const stack0 = stackCpu();
    const load0 = process.cpuUsage();
    const cpu0 = machineCpu();
    const started = Date.now();
    const { ids, latencies, errors } = await postMessagesClosedLoop({ urls, callers: [bob, alice], conversations, clients: CLIENTS, seconds: SECONDS, label: 'scale' });
    const cpu1 = machineCpu();
    for (const until = Date.now() + 300_000; Date.now() < until; await sleep(250)) {
      const { rows } = await db.query(`SELECT count(*) AS n FROM message_worker.deliveries WHERE message_id = ANY($1::uuid[])`, [ids]);
      if (Number(rows[0].n) >= ids.length) break;
    }
    const apps1 = roleCpu();
    const stack1 = stackCpu();
    const load1 = process.cpuUsage(load0);
    const cpu2 = machineCpu();
    const { rows } = await db.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, count(*) AS n,
              extract(epoch FROM max(processed_at)) * 1000 AS last_ms
         FROM (SELECT extract(epoch FROM d.processed_at - m.created_at) * 1000 AS ms, d.processed_at
                 FROM message_worker.deliveries d JOIN gateway.messages m ON m.id = d.message_id WHERE d.message_id = ANY($1::uuid[])) t`,
      [ids],
    );
    const processed = Number(rows[0].n);
    const perMessage = (seconds) => (seconds / processed) * 1e6;
    const appSeconds = Object.keys(roles).reduce((sum, role) => sum + apps1[role] - apps0[role], 0);
    // The services of the stack, one by one (when they are local processes), and this load generator.
    const services = stack0 && stack1 ? Object.fromEntries(Object.keys(stack1).map((name) => [name, stack1[name] - (stack0[name] ?? 0)])) : {};
    services['load generator'] = (load1.user + load1.system) / 1e6;
    const servicesSeconds = Object.values(services).reduce((a, b) => a + b, 0);
    return {
      n,
      accepted: ids.length / SECONDS,
      apiP50: percentile(latencies, 50),
      apiP99: percentile(latencies, 99),
      errors,
      processed,
      processedPerSecond: processed / ((Number(rows[0].last_ms) - started) / 1000),
      e2eP50: Number(rows[0].p50),
      e2eP99: Number(rows[0].p99),
      cpuBusy: (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total),
      // CPU of each stage per processed message, from the first send until every message was processed.
      // "other": the machine's busy time minus all of the above (the kernel's own work, other processes).
      cpuPerMessage: {
        ...Object.fromEntries(Object.keys(roles).map((role) => [role, perMessage(apps1[role] - apps0[role])])),
        ...Object.fromEntries(Object.entries(services).map(([name, seconds]) => [name, perMessage(seconds)])),
        other: perMessage((cpu2.busy - cpu0.busy) / 100 - appSeconds - servicesSeconds),
      },
    };
  } finally {
    platform.stopAll();
    await Promise.all([...platform.gateways, ...platform.relays, ...platform.workers, platform.auth].map((a) => a.exited));
  }
}

try {
  const results = [];
  for (const n of [1, INSTANCES]) results.push(await run(n));
  console.log('');
  console.log(`scale-out: ${CLIENTS} clients in a closed loop, ${CONVERSATIONS} conversations, ${SECONDS} s per run:`);
  for (const r of results) {
    const label = `${r.n} gateway${r.n > 1 ? 's' : ''}, ${r.n} relay${r.n > 1 ? 's' : ''}, ${r.n} worker${r.n > 1 ? 's' : ''}`;
    console.log(`  ${label}: ${fmt(r.accepted)} accepted/s (API p50 ${fmt(r.apiP50)} ms, p99 ${fmt(r.apiP99)} ms, ${r.errors} errors)   ${fmt(r.processedPerSecond)} processed/s (${r.processed} messages)   accept → processed p50 ${fmt(r.e2eP50)} ms, p99 ${fmt(r.e2eP99)} ms   CPUs busy ${fmt(r.cpuBusy * 100)} %`);
  }
  for (const r of results) console.log(`  CPU per message, ${r.n}×: ${Object.entries(r.cpuPerMessage).map(([role, us]) => `${role} ${fmt(us, 0)} µs`).join('   ')}`);
  const [one, many] = results;
  console.log(`  ratio ${many.n}× ÷ 1×: accepted/s ${fmt(many.accepted / one.accepted, 2)}   processed/s ${fmt(many.processedPerSecond / one.processedPerSecond, 2)}   API p99 ${fmt(many.apiP99 / one.apiP99, 2)}   accept → processed p99 ${fmt(many.e2eP99 / one.e2eP99, 2)}`);
} finally {
  await db.end();
}
