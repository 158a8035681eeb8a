// Benchmark (issue 4), one run, printed side by side:
//  1. POST /v1/messages: accepted messages/s and p50/p99 at a fixed concurrency, and pgbench running
//     the same write transaction (membership and duplicate check, seq UPDATE with the message INSERT,
//     read horizon, outbox INSERT) on the same database at the same concurrency: their ratio is the API's overhead.
//  2. End to end, accept → processed by the worker: p50/p99 at a steady rate below saturation.
//  3. GET /v1/conversations p50/p95 for a user with 1,000 and with 10,000 conversations.
// Env: BENCH_SECONDS (15), BENCH_CONCURRENCY (16), BENCH_E2E_RATE (50/s), BENCH_E2E_SECONDS (10),
// BENCH_LIST_REQUESTS (200). BENCH_PROFILE_DIR: the gateway of phase 1 writes a CPU profile there
// (node --cpu-prof; summarise it with tools/bench/cpu-profile.mjs).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, atRate, fmt, newCaller, percentile, postMessagesClosedLoop, ROOT, startPipeline } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { outboxBucket } = require(join(ROOT, 'dist/libs/outbox/src/index.js'));

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const E2E_RATE = Number(process.env.BENCH_E2E_RATE ?? 50);
const E2E_SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 10);
const LIST_REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 200);
const CONVERSATIONS = 50;

const db = new Client({ connectionString: process.env.DATABASE_URL });
await db.connect();

async function waitProcessed(ids, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(`SELECT count(*) AS n FROM message_worker.deliveries WHERE message_id = ANY($1::uuid[])`, [ids]);
    if (Number(rows[0].n) >= ids.length || Date.now() > deadline) return Number(rows[0].n);
    await sleep(500);
  }
}

async function apiThroughput(url, alice, bob, conversations) {
  const { ids, latencies, errors } = await postMessagesClosedLoop({ urls: [url], callers: [bob, alice], conversations, clients: CONCURRENCY, seconds: SECONDS });
  return { perSecond: latencies.length / SECONDS, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ok: latencies.length, errors, ids };
}

// The transaction of MessageAcceptService.acceptFromMember, as the gateway sends it: one call of
// gateway.accept_member_message (one round trip), with prepared statements and the same outbox rows.
const PGBENCH_SCRIPT = `
\\set c random(1, ${CONVERSATIONS})
SELECT id AS conv, bucket FROM bench_conversations WHERE n = :c \\gset
SELECT gen_random_uuid() AS mid, gen_random_uuid() AS eid, gen_random_uuid() AS rid \\gset
SELECT outcome FROM gateway.accept_member_message(:mid, :conv, :sender, '{"type":"text","text":"pgbench"}', 'pgbench', NULL, jsonb_build_object('event_id', :eid::text, 'topic', 'messages.created', 'partition_key', :conv::text, 'bucket', :bucket::int, 'event_type', 'message.created', 'headers', '{}'::jsonb, 'envelope', jsonb_build_object('event_id', :eid::text, 'type', 'message.created', 'occurred_at', to_json(now()), 'aggregate_id', :conv::text, 'payload', jsonb_build_object('message_id', :mid::text, 'conversation_id', :conv::text, 'seq', 0, 'sender_id', :sender::text, 'channel', 'internal', 'external_contact', null, 'payload', jsonb_build_object('type', 'text', 'text', 'pgbench'), 'created_at', '', 'origin', 'member'))), jsonb_build_object('event_id', :rid::text, 'topic', 'conversations.read', 'partition_key', :conv::text, 'bucket', :bucket::int, 'event_type', 'conversation.read', 'headers', '{}'::jsonb, 'envelope', jsonb_build_object('event_id', :rid::text, 'type', 'conversation.read', 'occurred_at', to_json(now()), 'aggregate_id', :conv::text, 'payload', jsonb_build_object('conversation_id', :conv::text, 'user_id', :sender::text, 'read_seq', 0, 'previous_read_seq', 0, 'at', ''))));
`;

function pgbench(sender) {
  const dir = mkdtempSync(join(tmpdir(), 'chat4all-pgbench-'));
  const script = join(dir, 'write.sql');
  writeFileSync(script, PGBENCH_SCRIPT);
  const bin = execFileSync('bash', ['-c', 'ls /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1']).toString().trim();
  const out = execFileSync(bin, ['-n', '-M', 'prepared', '-c', String(CONCURRENCY), '-j', '2', '-T', String(SECONDS), '-D', `sender=${sender}`, '-f', script, process.env.DATABASE_URL], {
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  return { tps, latency };
}

async function endToEnd(url, alice, bob, conversations) {
  const ids = [];
  await atRate(E2E_RATE * E2E_SECONDS, E2E_RATE, (i) => {
    const messageId = randomUUID();
    ids.push(messageId);
    return api(url, i % 2 ? alice : bob, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversations[i % conversations.length], payload: { type: 'text', text: `e2e ${i}` } });
  });
  await waitProcessed(ids);
  const { rows } = await db.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, count(*) AS n
       FROM (SELECT extract(epoch FROM d.processed_at - m.created_at) * 1000 AS ms
               FROM message_worker.deliveries d JOIN gateway.messages m ON m.id = d.message_id WHERE d.message_id = ANY($1::uuid[])) t`,
    [ids],
  );
  return { p50: Number(rows[0].p50), p99: Number(rows[0].p99), n: Number(rows[0].n) };
}

/** Gives the user `count` conversations, each with a last message, straight in SQL (fast to seed). */
async function seedConversations(userId, otherId, count) {
  await db.query(
    `WITH c AS (
       INSERT INTO gateway.conversations (type, created_by, last_seq, last_activity_at)
       SELECT 'private', $1, 1, now() - g * interval '1 second' FROM generate_series(1, $3) g RETURNING id, last_activity_at),
     m AS (INSERT INTO gateway.conversation_members (conversation_id, user_id) SELECT id, u FROM c, unnest(ARRAY[$1::uuid, $2::uuid]) u)
     INSERT INTO gateway.messages (id, conversation_id, seq, sender_id, payload, request_hash, created_at)
     SELECT gen_random_uuid(), id, 1, $2, '{"type":"text","text":"seeded for the list benchmark"}', 'seed', last_activity_at FROM c`,
    [userId, otherId, count],
  );
}

async function listLatency(url, caller) {
  const latencies = [];
  for (let i = 0; i < 10; i++) await api(url, caller, 'GET', '/v1/conversations?limit=50'); // warm-up
  for (let i = 0; i < LIST_REQUESTS; i++) {
    const t0 = performance.now();
    const res = await api(url, caller, 'GET', '/v1/conversations?limit=50');
    if (res.status !== 200 || res.body.conversations.length !== 50) throw new Error(`GET /v1/conversations answered ${res.status}`);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

async function setup(url) {
  const [alice, bob] = await Promise.all([newCaller(url, 'bench-alice'), newCaller(url, 'bench-bob')]);
  const conversations = [];
  for (let i = 0; i < CONVERSATIONS; i++) conversations.push((await api(url, alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId] })).body.id);
  return { alice, bob, conversations };
}

// Phase 1, the write path alone: gateway (and auth) only, then pgbench, on the same machine and
// database; what both wrote to the outbox is removed afterwards (bench data, not worth publishing).
const profileDir = process.env.BENCH_PROFILE_DIR;
let platform = await startPipeline({ relays: 0, workers: 0, gatewayEnv: profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {} });
let url = platform.gateway.url;
let a, p;
try {
  const { alice, bob, conversations } = await setup(url);
  a = await apiThroughput(url, alice, bob, conversations);
  await db.query(`CREATE TABLE IF NOT EXISTS public.bench_conversations (n int PRIMARY KEY, id uuid NOT NULL, bucket int NOT NULL)`);
  await db.query(`TRUNCATE public.bench_conversations`);
  for (const [i, id] of conversations.entries()) await db.query(`INSERT INTO public.bench_conversations VALUES ($1, $2, $3)`, [i + 1, id, outboxBucket(id)]);
  p = pgbench(alice.userId);
  await db.query(`DROP TABLE public.bench_conversations`);
  await db.query(`DELETE FROM gateway.outbox_events WHERE partition_key = ANY($1::text[])`, [conversations]);
  // Phase 2's relay scans this table: vacuumed now, not by autovacuum while phase 2 measures.
  await db.query(`VACUUM (ANALYZE) gateway.outbox_events`);
} finally {
  platform.stopAll();
  await platform.gateway.exited;
}

// Phase 2, the pipeline: relay and worker running; end-to-end latency, then the conversation list.
platform = await startPipeline({ relays: 1, workers: 1 });
url = platform.gateway.url;
try {
  const { alice, bob, conversations } = await setup(url);
  const e2e = await endToEnd(url, alice, bob, conversations);

  const lists = [];
  for (const n of [1000, 10000]) {
    const [owner, other] = await Promise.all([newCaller(url, `bench-list-${n}`), newCaller(url, 'bench-list-peer')]);
    await seedConversations(owner.userId, other.userId, n);
    lists.push({ n, ...(await listLatency(url, owner)) });
  }

  console.log('');
  console.log(`POST /v1/messages (one gateway, ${CONCURRENCY} concurrent clients, ${SECONDS} s):`);
  console.log(`  ${fmt(a.perSecond)} accepted/s   p50 ${fmt(a.p50)} ms   p99 ${fmt(a.p99)} ms   (${a.ok} accepted, ${a.errors} errors)`);
  console.log(`pgbench, the same write transaction, ${CONCURRENCY} clients, ${SECONDS} s, same database:`);
  console.log(`  ${fmt(p.tps)} tx/s   average latency ${fmt(p.latency)} ms`);
  console.log(`  API / pgbench: ${fmt((a.perSecond / p.tps) * 100)} %`);
  console.log(`accept → processed by the worker (1 relay, 1 worker), ${E2E_RATE} msg/s for ${E2E_SECONDS} s: p50 ${fmt(e2e.p50)} ms   p99 ${fmt(e2e.p99)} ms   (${e2e.n} messages)`);
  for (const l of lists) console.log(`GET /v1/conversations?limit=50, user with ${l.n} conversations: p50 ${fmt(l.p50)} ms   p95 ${fmt(l.p95)} ms   (${LIST_REQUESTS} requests)`);
} finally {
  await db.end();
  platform.stopAll();
}
