// Fault tests of the local HA topology (issue 15), against the running `npm run ha -- up`:
//   kafka     kill -9 one Kafka broker (the active controller), bring it back
//   postgres  kill -9 the Patroni leader and its postmaster (a node loss), bring the node back as replica
//   gateway   kill -9 one of the three gateways
//   realtime  kill -9 one realtime instance: its sockets reconnect through the balancer and resume
//   consumer  kill -9 a message-worker, restart it: it resumes from its committed offsets
// Each runs under a fixed offered load: CHAOS_HA_RATE sends/s (25) for CHAOS_HA_SECONDS (45) through
// the gateway balancer, every send with a message_id and an Idempotency-Key and retried like the SDK
// (429/503/network error, same key, 4 attempts), and CHAOS_HA_RECEIVERS WebSockets (4) through the
// realtime balancer, members of every conversation, reconnecting and resuming from the last seq
// they saw. The fault comes CHAOS_HA_FAULT_AT_S (12) s into the load. Prints one line per figure,
// exits 1 when a promise is broken. `npm run chaos:ha -- <scenario> [...]`; none: all five in turn.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, api, atRate, newCaller, percentile } from '../bench/lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const WebSocket = require('ws');

const RATE = Number(process.env.CHAOS_HA_RATE ?? 25);
const SECONDS = Number(process.env.CHAOS_HA_SECONDS ?? 45);
const RECEIVERS = Number(process.env.CHAOS_HA_RECEIVERS ?? 4);
const CONVERSATIONS = Number(process.env.CHAOS_HA_CONVERSATIONS ?? 4);
const FAULT_AT_S = Number(process.env.CHAOS_HA_FAULT_AT_S ?? 12);
const DRAIN_S = Number(process.env.CHAOS_HA_DRAIN_S ?? 90);

const HA_SH = join(ROOT, 'tools/ha/ha.sh');
const layout = JSON.parse(execFileSync('bash', [HA_SH, 'layout']).toString());
const GATEWAY = layout.balancers.gateway;
const REALTIME = layout.balancers.realtime;
const t0 = performance.now();
const now = () => performance.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[${secs(now() - t0).padStart(7)}] ${line}`);

const pidOf = (name) => {
  try {
    const pid = Number(readFileSync(join(layout.ha, 'run', `${name}.pid`), 'utf8'));
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
};
const kill9 = (pid) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
const startProcess = (name) => execFileSync('bash', [HA_SH, 'start', name], { stdio: ['ignore', 'ignore', 'inherit'] });
const get = (url) => fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
async function until(what, seconds, check, every = 200) {
  const deadline = now() + seconds * 1000;
  while (now() < deadline) {
    if (await check()) return true;
    await sleep(every);
  }
  throw new Error(`${what}: not within ${seconds} s`);
}
const appReady = (inst) => get(`http://127.0.0.1:${inst.internal}/health/ready`).then((s) => s === 200);
const appsOf = (app) => layout.apps.filter((a) => a.app === app);

// --- the load: SDK-style sends through the gateway balancer --------------------------------------------
const RETRIED = new Set([429, 503]);
async function send(caller, conversationId, text) {
  const messageId = randomUUID();
  const key = randomUUID();
  const body = { message_id: messageId, conversation_id: conversationId, payload: { type: 'text', text } };
  const attempts = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    const start = now();
    let status = 0;
    let retryAfter;
    let answerId;
    try {
      const res = await api(GATEWAY, caller, 'POST', '/v1/messages', body, { 'idempotency-key': key });
      status = res.status;
      retryAfter = Number(res.headers.get('retry-after')) || undefined;
      answerId = res.body?.message_id ?? res.body?.id;
    } catch {
      status = 0; // connection reset / refused
    }
    attempts.push({ start, end: now(), status, answerId });
    if (status === 202) break;
    if (status !== 0 && !RETRIED.has(status)) break;
    if (attempt < 4) await sleep(retryAfter ? Math.min(retryAfter * 1000, 5000) : Math.random() * 200 * 2 ** (attempt - 1));
  }
  const last = attempts.at(-1);
  return { messageId, key, conversationId, attempts, accepted: last.status === 202, acceptedAt: last.status === 202 ? last.end : undefined, answerId: last.answerId };
}

// --- the receivers: the SDK's RealtimeClient through the realtime balancer ------------------------------
// What counts is what a client hands to its app: the SDK reconnects with jittered backoff, resumes from
// the last seq it saw and drops what it already has (the protocol re-sends seqs after a client's
// position: at-least-once, de-duplicated by (conversation_id, seq)). Raw frames are counted too, for
// information: a seq that came twice on one connection.
const { RealtimeClient } = require(join(ROOT, 'dist/libs/sdk/src/realtime/realtime-client.js'));
class Receiver {
  constructor(caller, conversations, label) {
    this.label = label;
    this.conversations = conversations;
    this.delivered = new Map(conversations.map((c) => [c, new Set()]));
    this.lastDelivered = new Map(conversations.map((c) => [c, 0]));
    this.ids = new Map(); // message_id -> first delivery time
    this.duplicates = 0; // handed to the app twice
    this.outOfOrder = 0; // handed to the app out of seq order
    this.rawRepeats = 0; // a seq twice on one connection (dropped by the client)
    this.reconnects = 0;
    this.closes = [];
    this.lastArrival = undefined;
    this.longestGap = 0;
    this.connections = 0;
    const pending = new Set(conversations);
    this.ready = new Promise((resolve) => (this.onFirstReady = resolve));
    this.client = new RealtimeClient({
      url: REALTIME,
      token: () => caller.token,
      positions: Object.fromEntries(conversations.map((c) => [c, 0])),
      backoff: { baseMs: 200, maxMs: 2000 },
      // The SDK's default (an ack per conversation every 100 ms) exceeds realtime's 20 client frames/s
      // with four busy conversations after a resume burst, and a 4008 is final: acks every 500 ms.
      ackDelayMs: Number(process.env.CHAOS_HA_ACK_DELAY_MS ?? 500),
      webSocket: (url) => {
        const ws = new WebSocket(url);
        const raw = new Set();
        this.connections++;
        ws.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          if (frame.type !== 'message.created') return;
          const key = `${frame.conversation_id}/${frame.seq}`;
          if (raw.has(key)) this.rawRepeats++;
          raw.add(key);
        });
        return ws;
      },
    });
    this.client.on('resumed', ({ conversation_id }) => {
      pending.delete(conversation_id);
      if (pending.size === 0) this.onFirstReady();
    });
    this.client.on('disconnected', ({ code }) => {
      if (this.stopped) return;
      this.closes.push(code);
      this.reconnects++;
    });
    this.client.on('error', () => {});
    this.client.on('event', (frame) => {
      if (frame.type !== 'message.created' || !this.delivered.has(frame.conversation_id)) return;
      const t = now();
      if (this.lastArrival !== undefined && this.measuring) this.longestGap = Math.max(this.longestGap, t - this.lastArrival);
      this.lastArrival = t;
      const delivered = this.delivered.get(frame.conversation_id);
      if (delivered.has(frame.seq)) this.duplicates++;
      delivered.add(frame.seq);
      if (frame.seq !== this.lastDelivered.get(frame.conversation_id) + 1) this.outOfOrder++;
      this.lastDelivered.set(frame.conversation_id, Math.max(frame.seq, this.lastDelivered.get(frame.conversation_id)));
      if (!this.ids.has(frame.message.message_id)) this.ids.set(frame.message.message_id, t);
    });
  }
  connect() {
    this.client.start();
  }
  gaps(expected) {
    // Seqs missing from 1..last seq of each conversation, once everything is in.
    let missing = 0;
    for (const [conversation, seen] of this.delivered) for (let s = 1; s <= (expected.get(conversation) ?? 0); s++) if (!seen.has(s)) missing++;
    return missing;
  }
  stop() {
    this.stopped = true;
    this.client.stop();
  }
}

// --- one scenario ------------------------------------------------------------------------------------
async function setup(name) {
  const [alice, bob] = await Promise.all([newCaller(GATEWAY, `ha-${name}-alice`), newCaller(GATEWAY, `ha-${name}-bob`)]);
  const conversations = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const res = await api(GATEWAY, alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId] });
    if (res.status !== 201) throw new Error(`POST /v1/conversations: ${res.status} ${JSON.stringify(res.body)}`);
    conversations.push(res.body.id);
  }
  const receivers = Array.from({ length: RECEIVERS }, (_, i) => new Receiver(i % 2 ? bob : alice, conversations, `r${i}`));
  receivers.forEach((r) => r.connect());
  await Promise.race([Promise.all(receivers.map((r) => r.ready)), sleep(30_000).then(() => { throw new Error('receivers did not resume within 30 s'); })]);
  return { alice, bob, conversations, receivers };
}

async function runLoad(ctx, fault) {
  const { alice, bob, conversations, receivers } = ctx;
  receivers.forEach((r) => (r.measuring = true));
  const total = RATE * SECONDS;
  const faultRun = (async () => {
    await sleep(FAULT_AT_S * 1000);
    return fault();
  })();
  const [results, faultFigures] = await Promise.all([
    atRate(total, RATE, (i) => send(i % 2 ? bob : alice, conversations[i % conversations.length], `ha ${i}`)),
    faultRun,
  ]);
  receivers.forEach((r) => (r.measuring = false));
  return { results, faultFigures: faultFigures ?? {} };
}

/** What every scenario checks after its load: accepted messages persisted, processed, received by every socket. */
async function verify(ctx, results) {
  const accepted = results.filter((r) => r.accepted);
  const ids = accepted.map((r) => r.messageId);
  // Wait (bounded) until every socket has every accepted message.
  const allIn = () => ctx.receivers.every((r) => ids.every((id) => r.ids.has(id)));
  const drainDeadline = now() + DRAIN_S * 1000;
  while (!allIn() && now() < drainDeadline) await sleep(500);
  await sleep(1500); // late duplicates would land now
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    const q = async (sql, params) => (await db.query(sql, params)).rows;
    const persisted = await q(`SELECT id, conversation_id, seq FROM gateway.messages WHERE id = ANY($1::uuid[])`, [ids]);
    const lastSeq = new Map((await q(`SELECT conversation_id, max(seq)::int AS seq, count(*)::int AS n FROM gateway.messages WHERE conversation_id = ANY($1::uuid[]) GROUP BY conversation_id`, [ctx.conversations])).map((r) => [r.conversation_id, r.seq]));
    const counts = (await q(`SELECT conversation_id, count(*)::int AS n, count(DISTINCT seq)::int AS d FROM gateway.messages WHERE conversation_id = ANY($1::uuid[]) GROUP BY conversation_id`, [ctx.conversations]));
    const seqHoles = counts.reduce((s, c) => s + (lastSeq.get(c.conversation_id) - c.d) + (c.n - c.d), 0);
    const deliveries = (await q(`SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS d FROM message_worker.deliveries WHERE message_id = ANY($1::uuid[])`, [ids]))[0];
    const orderViolations = (await q(
      `SELECT count(*)::int AS n FROM (
         SELECT seq, lag(seq) OVER (PARTITION BY conversation_id ORDER BY processing_order) AS prev
           FROM message_worker.deliveries WHERE conversation_id = ANY($1::uuid[])) t
        WHERE prev IS NOT NULL AND seq <> prev + 1`,
      [ctx.conversations],
    ))[0].n;
    // Idempotency: every answer of one key names the same message; the message has one row.
    const idMismatch = accepted.filter((r) => r.answerId && r.answerId !== r.messageId).length;
    const persistedIds = new Set(persisted.map((p) => p.id));
    const lostInDb = ids.filter((id) => !persistedIds.has(id)).length;
    // And what a client reads back: GET /v1/conversations/{id}/messages through the balancer, page by page.
    const history = new Map();
    for (const conversation of ctx.conversations) {
      for (let after = 0; ; ) {
        const res = await api(GATEWAY, ctx.alice, 'GET', `/v1/conversations/${conversation}/messages?after_seq=${after}&limit=100`);
        if (res.status !== 200) throw new Error(`GET history: ${res.status}`);
        for (const m of res.body.messages) history.set(m.message_id, m.seq);
        if (res.body.messages.length < 100) break;
        after = res.body.messages.at(-1).seq;
      }
    }
    const seqOf = new Map(persisted.map((p) => [p.id, Number(p.seq)]));
    const lostInHistory = ids.filter((id) => history.get(id) === undefined || history.get(id) !== seqOf.get(id)).length;
    const lostOnSockets = Math.max(0, ...ctx.receivers.map((r) => ids.filter((id) => !r.ids.has(id)).length));
    const duplicatesOnSockets = ctx.receivers.reduce((s, r) => s + r.duplicates, 0);
    const gaps = ctx.receivers.reduce((s, r) => s + r.gaps(lastSeq), 0);
    const latencies = [];
    for (const r of accepted) for (const rec of ctx.receivers) { const t = rec.ids.get(r.messageId); if (t) latencies.push(t - r.acceptedAt); }
    latencies.sort((a, b) => a - b);
    return { accepted, ids, persisted: persisted.length, lostInDb, lostInHistory, lostOnSockets, lost: Math.max(lostInDb, lostInHistory, lostOnSockets), duplicatesOnSockets, gaps, seqHoles, deliveries, orderViolations, idMismatch, latencies };
  } finally {
    await db.end();
  }
}

function clientFigures(results) {
  const attempts = results.flatMap((r) => r.attempts);
  const rawErrors = attempts.filter((a) => a.status !== 202).length;
  const firstAttemptErrors = results.filter((r) => r.attempts[0].status !== 202).length;
  const fixedByRetry = results.filter((r) => r.accepted && r.attempts.length > 1).length;
  const failed = results.filter((r) => !r.accepted);
  const byStatus = {};
  for (const a of attempts) if (a.status !== 202) byStatus[a.status || 'network'] = (byStatus[a.status || 'network'] ?? 0) + 1;
  const lat = results.filter((r) => r.accepted).map((r) => r.acceptedAt - r.attempts[0].start).sort((a, b) => a - b);
  return { sends: results.length, attempts: attempts.length, rawErrors, firstAttemptErrors, fixedByRetry, failed: failed.length, byStatus, lat };
}

function printCommon(c, v, receivers) {
  const pct = (n, d) => `${((100 * n) / Math.max(1, d)).toFixed(2)} %`;
  console.log(`  offered load:               ${RATE}/s for ${SECONDS} s through ${GATEWAY} (${c.sends} sends, ${c.attempts} attempts), ${receivers.length} sockets through ${REALTIME}`);
  console.log(`  accepted (202):             ${v.accepted.length}`);
  console.log(`  API errors (raw, attempts): ${c.rawErrors} (${pct(c.rawErrors, c.attempts)} of attempts; by status ${JSON.stringify(c.byStatus)})`);
  console.log(`  sends failed first time:    ${c.firstAttemptErrors} (${pct(c.firstAttemptErrors, c.sends)}); fixed by SDK-style retry (same key): ${c.fixedByRetry}; failed after retries: ${c.failed} (${pct(c.failed, c.sends)})`);
  console.log(`  API latency p50/p99/max:    ${c.lat.length ? `${percentile(c.lat, 50).toFixed(0)} / ${percentile(c.lat, 99).toFixed(0)} / ${c.lat.at(-1).toFixed(0)} ms` : '-'} (202s, retries included)`);
  console.log(`  acknowledged lost:          ${v.lost} (not in gateway.messages: ${v.lostInDb}; not in GET history with its seq: ${v.lostInHistory}; never handed over by one of the clients: ${v.lostOnSockets})`);
  console.log(`  persisted / processed:      ${v.persisted} rows / ${v.deliveries.d} delivered (${v.deliveries.n} delivery rows)`);
  console.log(`  duplicates:                 ${v.deliveries.n - v.deliveries.d} delivery rows, ${v.duplicatesOnSockets} messages handed twice to a client app, ${v.idMismatch} answers naming another message id`);
  console.log(`  seq gaps:                   ${v.seqHoles} in gateway.messages, ${v.gaps} in what the clients handed over (${receivers.reduce((s, r) => s + r.outOfOrder, 0)} out of order); order violations (worker): ${v.orderViolations}`);
  console.log(`  accept→receive p50/p99/max: ${v.latencies.length ? `${percentile(v.latencies, 50).toFixed(0)} / ${percentile(v.latencies, 99).toFixed(0)} / ${v.latencies.at(-1).toFixed(0)} ms` : '-'}`);
  console.log(`  longest consumer stall:     ${Math.max(...receivers.map((r) => r.longestGap)).toFixed(0)} ms (longest gap between two message.created on one socket while loaded)`);
  console.log(`  socket reconnects:          ${receivers.reduce((s, r) => s + r.reconnects, 0)} (close codes ${JSON.stringify(receivers.flatMap((r) => r.closes))})`);
  console.log(`  raw repeated frames:        ${receivers.reduce((s, r) => s + r.rawRepeats, 0)} (a seq twice on one connection, dropped by the SDK client: the protocol is at-least-once after a client's position)`);
}
const baseOk = (v, receivers) => receivers.every((r) => r.outOfOrder === 0) && v.lost === 0 && v.deliveries.n === v.deliveries.d && v.duplicatesOnSockets === 0 && v.gaps === 0 && v.seqHoles === 0 && v.orderViolations === 0 && v.idMismatch === 0 && v.deliveries.d === v.ids.length;

// --- the faults --------------------------------------------------------------------------------------
const scenarios = {
  async kafka() {
    const kafka = new Kafka({ clientId: 'chaos-ha', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const { controller } = await admin.describeCluster();
    await admin.disconnect();
    const victim = `kafka-${controller}`;
    return {
      title: `kill -9 Kafka broker ${victim} (the active controller), back after 20 s`,
      async fault() {
        const pid = pidOf(victim);
        kill9(pid);
        log(`kill -9 ${victim} (pid ${pid})`);
        await sleep(20_000);
        startProcess(victim);
        log(`${victim} started again (pid ${pidOf(victim)})`);
      },
      check: (c, v, f, results, receivers) => baseOk(v, receivers),
    };
  },

  async postgres() {
    const leaderName = execFileSync('bash', [HA_SH, 'leader']).toString().trim();
    const leader = layout.pg.find((p) => p.name === leaderName);
    const others = layout.pg.filter((p) => p !== leader);
    return {
      title: `kill -9 the PostgreSQL primary ${leaderName}: its Patroni and its postmaster (a node loss), then back as a replica`,
      async fault() {
        const patroni = pidOf(leader.name);
        const postmaster = Number(readFileSync(join(leader.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        const killedAt = now();
        kill9(patroni);
        kill9(postmaster);
        log(`kill -9 ${leader.name}: patroni pid ${patroni}, postmaster pid ${postmaster}`);
        let promoted;
        await until('promotion', 60, async () => {
          for (const p of others) if ((await get(`http://127.0.0.1:${p.rest}/primary`)) === 200) return (promoted = p);
          return false;
        }, 100);
        const promotedAt = now();
        log(`${promoted.name} promoted ${secs(promotedAt - killedAt)} after the kill`);
        await sleep(3000);
        startProcess(leader.name);
        log(`${leader.name} (patroni) started again`);
        const rejoinStart = now();
        let rejoined = false;
        try {
          await until(`${leader.name} back as a streaming replica`, 120, async () => (await get(`http://127.0.0.1:${leader.rest}/replica`)) === 200, 500);
          rejoined = true;
          log(`${leader.name} is a replica again, ${secs(now() - rejoinStart)} after its restart`);
        } catch (e) {
          log(String(e.message));
        }
        return { killedAt, promotedAt, promoted: promoted.name, rejoined, rejoinMs: now() - rejoinStart };
      },
      extra(c, v, f, results) {
        const attempts = results.flatMap((r) => r.attempts).filter((a) => a.start >= f.killedAt - 5000);
        const bad = attempts.filter((a) => a.status !== 202);
        const lastBadStart = bad.length ? Math.max(...bad.map((a) => a.start)) : undefined;
        const firstBad = bad.length ? Math.min(...bad.map((a) => a.start)) : undefined;
        // Writes are back when an attempt started after the last failing one succeeds.
        const backAt = lastBadStart === undefined ? undefined : Math.min(...attempts.filter((a) => a.status === 202 && a.start > lastBadStart).map((a) => a.end));
        // Slow answers count as unavailability too: the latest-ending 202 that started before promotion.
        const stalled = attempts.filter((a) => a.status === 202 && a.start >= f.killedAt && a.start <= f.promotedAt);
        const longestWait = stalled.length ? Math.max(...stalled.map((a) => a.end - a.start)) : 0;
        const writesBackAt = Math.max(backAt ?? f.killedAt, ...stalled.map((a) => a.end));
        f.writesBackAfterPromotion = writesBackAt - f.promotedAt;
        f.window = writesBackAt - Math.min(firstBad ?? f.killedAt, f.killedAt);
        console.log(`  time to promotion:          ${secs(f.promotedAt - f.killedAt)} (kill -9 of ${leaderName} → ${f.promoted} answers GET /primary 200)`);
        console.log(`  write unavailability:       ${secs(f.window)} seen by clients (first failed/held write → writes succeed again); ${bad.length} failed attempts, longest held 202 ${longestWait.toFixed(0)} ms`);
        console.log(`  writes back after promotion: ${secs(f.writesBackAfterPromotion)}`);
        console.log(`  old primary back as replica: ${f.rejoined ? `yes, ${secs(f.rejoinMs)} after its restart` : 'NO'}`);
      },
      check: (c, v, f, results, receivers) => baseOk(v, receivers) && f.promotedAt - f.killedAt < 30_000 && f.writesBackAfterPromotion < 5_000 && f.rejoined,
    };
  },

  async gateway() {
    const victim = appsOf('gateway')[0];
    return {
      title: `kill -9 ${victim.name} (one of three gateways), back after 15 s`,
      async fault() {
        const pid = pidOf(victim.name);
        kill9(pid);
        log(`kill -9 ${victim.name} (pid ${pid})`);
        await sleep(15_000);
        startProcess(victim.name);
        await until(`${victim.name} ready`, 120, () => appReady(victim), 500);
        log(`${victim.name} ready again`);
      },
      extra(c) {
        console.log(`  client error rate (raw):    ${((100 * c.firstAttemptErrors) / c.sends).toFixed(2)} % of sends failed their first attempt; after SDK-style retry: ${((100 * c.failed) / c.sends).toFixed(2)} %`);
      },
      check: (c, v, f, results, receivers) => baseOk(v, receivers) && c.firstAttemptErrors / c.sends < 0.01,
    };
  },

  async realtime() {
    const victim = appsOf('realtime')[0];
    return {
      title: `kill -9 ${victim.name} (one of two realtime instances), back after 15 s`,
      async fault() {
        const pid = pidOf(victim.name);
        kill9(pid);
        log(`kill -9 ${victim.name} (pid ${pid})`);
        await sleep(15_000);
        startProcess(victim.name);
        await until(`${victim.name} ready`, 120, () => appReady(victim), 500);
        log(`${victim.name} ready again`);
      },
      extra(c, v, f, results, receivers) {
        const moved = receivers.filter((r) => r.reconnects > 0).length;
        console.log(`  sockets that reconnected:   ${moved} of ${receivers.length} (resumed from their last seq through the balancer)`);
      },
      check: (c, v, f, results, receivers) => baseOk(v, receivers) && receivers.some((r) => r.reconnects > 0),
    };
  },

  async consumer() {
    const victim = appsOf('message-worker')[0];
    return {
      title: `kill -9 ${victim.name} (one of two message-workers), restarted after 5 s: it rejoins its groups and resumes from the committed offsets`,
      async fault() {
        const pid = pidOf(victim.name);
        kill9(pid);
        log(`kill -9 ${victim.name} (pid ${pid})`);
        await sleep(5_000);
        startProcess(victim.name);
        await until(`${victim.name} ready`, 120, () => appReady(victim), 500);
        log(`${victim.name} ready again (pid ${pidOf(victim.name)})`);
      },
      check: (c, v, f, results, receivers) => baseOk(v, receivers),
    };
  },
};

async function run(name) {
  const scenario = await scenarios[name]();
  console.log(`\n== ${name}: ${scenario.title}`);
  const ctx = await setup(name);
  try {
    const { results, faultFigures } = await runLoad(ctx, scenario.fault);
    const v = await verify(ctx, results);
    const c = clientFigures(results);
    console.log(`-- ${name} figures`);
    printCommon(c, v, ctx.receivers);
    scenario.extra?.(c, v, faultFigures, results, ctx.receivers);
    const ok = scenario.check(c, v, faultFigures, results, ctx.receivers);
    console.log(`  result:                     ${ok ? 'PASS' : 'FAIL (a promise is broken)'}`);
    return ok;
  } finally {
    ctx.receivers.forEach((r) => r.stop());
  }
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(scenarios);
for (const w of wanted) if (!scenarios[w]) { console.error(`chaos:ha: unknown scenario '${w}' (one of: ${Object.keys(scenarios).join(', ')})`); process.exit(2); }
// Every app instance ready before a scenario starts (the previous one brought its victim back).
for (const inst of layout.apps) await until(`${inst.name} /health/ready`, 120, () => appReady(inst), 500).catch((e) => { console.error(`chaos:ha: ${e.message}: is the topology up (npm run ha -- up)?`); process.exit(2); });
let failed = 0;
for (const w of wanted) {
  let ok = false;
  try {
    ok = await run(w);
  } catch (error) {
    console.log(`  result:                     FAIL (${error.message})`);
  }
  if (!ok) failed++;
  for (const inst of layout.apps) await until(`${inst.name} /health/ready`, 120, () => appReady(inst), 500).catch(() => {});
}
console.log(`\nchaos:ha: ${wanted.length - failed} of ${wanted.length} scenarios passed`);
process.exit(failed ? 1 : 0);
