// Chaos check (issue 4): sends messages under load while `kill -9` hits the outbox relays and the
// message workers at random, restarts them, then counts against the database and Kafka:
//   lost              = accepted (202) but never processed by a worker,
//   duplicated effects = delivery rows, status-history rows or outbound events beyond one per message,
//   order violations  = conversations whose messages were processed out of seq order.
// Prints the figures; exits 1 unless all three are 0. Env: CHAOS_SECONDS (60), CHAOS_CONCURRENCY (8),
// CHAOS_KILL_EVERY_MS (4000), CHAOS_CONVERSATIONS (20, a quarter of them on WhatsApp).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { api, newCaller, startApp, startPipeline } from '../bench/lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 8);
const KILL_EVERY_MS = Number(process.env.CHAOS_KILL_EVERY_MS ?? 4000);
const CONVERSATIONS = Number(process.env.CHAOS_CONVERSATIONS ?? 20);

const platform = await startPipeline({ relays: 2, workers: 2 });
const db = new Client({ connectionString: process.env.DATABASE_URL });
await db.connect();
const kafka = new Kafka({ clientId: 'chaos', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const outbound = [];
const consumer = kafka.consumer({ groupId: `chaos-${randomUUID()}` });

try {
  const [alice, bob] = await Promise.all([newCaller(platform.gateway.url, 'chaos-alice'), newCaller(platform.gateway.url, 'chaos-bob')]);
  const conversations = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const external = i % 4 === 0 ? { channel: 'whatsapp', external_contact: `+551199${String(i).padStart(7, '0')}` } : {};
    const res = await api(platform.gateway.url, alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId], ...external });
    conversations.push(res.body.id);
  }
  await consumer.connect();
  await consumer.subscribe({ topics: ['messages.outbound.whatsapp'], fromBeginning: false });
  await consumer.run({ eachMessage: async ({ message }) => void outbound.push(JSON.parse(message.value.toString())) });
  await sleep(3000); // the consumer joins its group before the load starts

  const accepted = [];
  let rejected = 0;
  let kills = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const load = Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const sender = i % 2 ? alice : bob;
        const conversationId = conversations[(w + i * CONCURRENCY) % conversations.length];
        const messageId = randomUUID();
        const res = await api(platform.gateway.url, sender, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversationId, payload: { type: 'text', text: `chaos ${w}/${i}` } });
        if (res.status === 202) accepted.push(messageId);
        else rejected++;
      }
    }),
  );
  const chaos = (async () => {
    while (Date.now() < deadline) {
      await sleep(KILL_EVERY_MS * (0.5 + Math.random()));
      if (Date.now() >= deadline) break;
      const pool = Math.random() < 0.5 ? platform.relays : platform.workers;
      const index = Math.floor(Math.random() * pool.length);
      const victim = pool[index];
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      await sleep(500 + Math.random() * 1500);
      const restarted = await startApp(victim.name);
      pool[index] = restarted;
      console.log(`kill -9 ${victim.name} (pid ${victim.child.pid}) → restarted as pid ${restarted.child.pid}`);
    }
  })();
  await Promise.all([load, chaos]);

  // Everything accepted must now be processed: wait for the pipeline to drain.
  const processed = async () =>
    Number((await db.query(`SELECT count(*) AS n FROM message_worker.deliveries WHERE message_id = ANY($1::uuid[])`, [accepted])).rows[0].n);
  const drainDeadline = Date.now() + 180_000;
  while ((await processed()) < accepted.length && Date.now() < drainDeadline) await sleep(1000);
  await sleep(3000); // late duplicates, if any, would land now

  const q = async (sql, params) => (await db.query(sql, params)).rows[0];
  const persisted = Number((await q(`SELECT count(*) AS n FROM gateway.messages WHERE id = ANY($1::uuid[])`, [accepted])).n);
  const done = await processed();
  const history = await q(
    `SELECT count(*) AS rows, count(DISTINCT (message_id, status)) AS distinct_rows FROM message_worker.delivery_status_history WHERE message_id = ANY($1::uuid[])`,
    [accepted],
  );
  const whatsappMessages = Number(
    (await q(`SELECT count(*) AS n FROM gateway.messages m JOIN gateway.conversations c ON c.id = m.conversation_id WHERE m.id = ANY($1::uuid[]) AND c.channel = 'whatsapp'`, [accepted])).n,
  );
  const outboundIds = outbound.filter((e) => accepted.includes(e.payload.message_id)).map((e) => e.event_id);
  const outboundDistinct = new Set(outboundIds).size;
  const orderViolations = Number(
    (
      await q(
        `SELECT count(*) AS n FROM (
           SELECT conversation_id, seq, lag(seq) OVER (PARTITION BY conversation_id ORDER BY processing_order) AS prev
             FROM message_worker.deliveries WHERE conversation_id = ANY($1::uuid[])) t
          WHERE prev IS NOT NULL AND seq <> prev + 1`,
        [conversations],
      )
    ).n,
  );
  const lost = accepted.length - done;
  const duplicated = Number(history.rows) - Number(history.distinct_rows) + (outboundDistinct - whatsappMessages > 0 ? outboundDistinct - whatsappMessages : 0);

  console.log('');
  console.log(`kill -9 under load: ${SECONDS} s, concurrency ${CONCURRENCY}, ${kills} kills of relays/workers (2 + 2 instances)`);
  console.log(`  accepted (202):          ${accepted.length}   (rejected: ${rejected})`);
  console.log(`  persisted in gateway:    ${persisted}`);
  console.log(`  processed by workers:    ${done}`);
  console.log(`  lost:                    ${lost}`);
  console.log(`  status-history rows:     ${history.rows} (distinct ${history.distinct_rows})`);
  console.log(`  outbound (WhatsApp):     ${whatsappMessages} messages, ${outboundDistinct} distinct events, ${outboundIds.length} records (repeats carry the same event id)`);
  console.log(`  duplicated effects:      ${duplicated}`);
  console.log(`  order violations:        ${orderViolations}`);
  process.exitCode = lost === 0 && duplicated === 0 && orderViolations === 0 && persisted === accepted.length && outboundDistinct === whatsappMessages ? 0 : 1;
} finally {
  await consumer.disconnect().catch(() => {});
  await db.end();
  platform.stopAll();
}
