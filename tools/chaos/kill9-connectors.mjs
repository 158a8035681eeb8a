// Chaos check (issue 5): messages to WhatsApp contacts under load while `kill -9` hits the
// connectors app at random; it is restarted each time. Then counts at the simulated provider:
//   lost             = accepted (202) but never received by the provider,
//   duplicate sends  = received more than once (a kill between the provider's answer and our record
//                      of it: the one window at-least-once delivery leaves, since the WhatsApp send
//                      API takes no idempotency key),
//   order violations = a conversation whose messages first reached the provider out of seq order,
//   receipts lost    = messages not READ (nor FAILED) once every receipt webhook was acknowledged.
// Exits 1 when a message or a receipt was lost, or messages reordered. Env: CHAOS_SECONDS (60), CHAOS_RATE (40 messages/s
// offered), CHAOS_KILL_EVERY_MS (8000), CHAOS_CONVERSATIONS (20).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { api, freePort, newCaller, ROOT, startApp, startPipeline } from '../bench/lib.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const { channelModule } = require(join(ROOT, 'dist/apps/connectors/src/channels/whatsapp/index.js'));
const { topicGroup } = require(join(ROOT, 'dist/libs/kafka/src/index.js'));

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 60);
const RATE = Number(process.env.CHAOS_RATE ?? 40);
const KILL_EVERY_MS = Number(process.env.CHAOS_KILL_EVERY_MS ?? 8000);
const CONVERSATIONS = Number(process.env.CHAOS_CONVERSATIONS ?? 20);

const port = await freePort();
const simulator = channelModule.createSimulator({
  latency: { kind: 'lognormal', medianMs: 60, sigma: 0.5, maxMs: 1000 },
  transientFailureRate: 0.02,
  webhook: { url: `http://127.0.0.1:${port}/webhooks/whatsapp`, maxAttempts: 30, retryDelayMs: 500 },
});
await simulator.start();
const c = simulator.connectorConfig();
// A consumer group of its own, starting at the end of the topic: what earlier runs left unsent is
// not this run's traffic.
const groupId = `chaos-connectors-${randomUUID()}`;
const admin = new Kafka({ clientId: 'chaos', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const ends = await admin.fetchTopicOffsets('messages.outbound.whatsapp');
await admin.setOffsets({ groupId: topicGroup(groupId, 'messages.outbound.whatsapp'), topic: 'messages.outbound.whatsapp', partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
await admin.disconnect();
const connectorsEnv = {
  CONNECTOR_CONSUMER_GROUP: groupId,
  HTTP_PORT: String(port),
  CONNECTOR_CHANNELS: 'whatsapp',
  WHATSAPP_API_URL: c.baseUrl,
  WHATSAPP_ACCESS_TOKEN: c.accessToken,
  WHATSAPP_WEBHOOK_SECRET: c.webhookSecret,
  WHATSAPP_ACCOUNT_ID: c.accountId,
  CONNECTOR_RETRY_BASE_MS: '100',
  CONNECTOR_RETRY_MAX_MS: '2000',
};
const platform = await startPipeline({ relays: 1, workers: 1 });
let connectors = await startApp('connectors', connectorsEnv);
const db = new Client({ connectionString: process.env.DATABASE_URL });
await db.connect();

try {
  const [alice, bob] = await Promise.all([newCaller(platform.gateway.url, 'chaos-c-alice'), newCaller(platform.gateway.url, 'chaos-c-bob')]);
  const conversations = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const contact = `1555${String(3_000_000 + Math.floor(Math.random() * 6_000_000))}`;
    const res = await api(platform.gateway.url, alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId], channel: 'whatsapp', external_contact: contact });
    conversations.push({ id: res.body.id, contact });
  }

  const accepted = new Map(); // message id → { contact, seq }
  let rejected = 0;
  let kills = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const started = performance.now();
  const posts = [];
  const load = (async () => {
    for (let i = 0; Date.now() < deadline; i++) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      const conversation = conversations[i % conversations.length];
      const messageId = randomUUID();
      posts.push(
        api(platform.gateway.url, alice, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversation.id, payload: { type: 'text', text: messageId } }).then((res) => {
          if (res.status === 202) accepted.set(messageId, { contact: conversation.contact, seq: res.body.seq });
          else rejected++;
        }),
      );
    }
    await Promise.all(posts);
  })();
  const chaos = (async () => {
    while (Date.now() < deadline) {
      await sleep(Math.min(KILL_EVERY_MS * (0.5 + Math.random()), Math.max(0, deadline - Date.now())));
      if (Date.now() >= deadline) break;
      connectors.child.kill('SIGKILL');
      await connectors.exited;
      kills++;
      await sleep(300 + Math.random() * 700);
      connectors = await startApp('connectors', connectorsEnv);
      console.log(`kill -9 connectors → restarted as pid ${connectors.child.pid}`);
    }
  })();
  await Promise.all([load, chaos]);

  const loadEnded = Date.now();
  const ids = [...accepted.keys()];
  const reached = async () =>
    Number((await db.query(`SELECT count(*) AS n FROM connectors.sent_messages WHERE message_id = ANY($1::uuid[])`, [ids])).rows[0].n);
  for (const drainDeadline = Date.now() + 300_000; (await reached()) < ids.length && Date.now() < drainDeadline; ) await sleep(1000);
  const drainedAfter = (Date.now() - loadEnded) / 1000;
  // Every receipt the provider sent (retried until acknowledged) must end in a status: the messages
  // refused for good aside, each should be READ once the receipts and the worker are through.
  await simulator.webhooksSettled();
  const unread = async () =>
    Number(
      (await db.query(`SELECT count(*) AS n FROM message_worker.deliveries WHERE message_id = ANY($1::uuid[]) AND status NOT IN ('READ', 'FAILED')`, [ids])).rows[0].n,
    );
  for (const readDeadline = Date.now() + 60_000; (await unread()) > 0 && Date.now() < readDeadline; ) await sleep(1000);
  const notRead = await unread();

  const received = new Map();
  for (const a of simulator.accepted) received.set(a.text, (received.get(a.text) ?? 0) + 1);
  const lost = ids.filter((id) => !received.has(id)).length;
  const duplicateSends = ids.reduce((n, id) => n + Math.max(0, (received.get(id) ?? 0) - 1), 0);
  const firstSeqs = new Map();
  const seen = new Set();
  for (const a of simulator.accepted) {
    const m = accepted.get(a.text);
    if (!m || seen.has(a.text)) continue;
    seen.add(a.text);
    firstSeqs.set(m.contact, [...(firstSeqs.get(m.contact) ?? []), m.seq]);
  }
  const orderViolations = [...firstSeqs.values()].reduce((n, seqs) => n + seqs.filter((s, i) => i > 0 && s < seqs[i - 1]).length, 0);
  const statuses = (await db.query(`SELECT status, count(*) AS n FROM message_worker.deliveries WHERE message_id = ANY($1::uuid[]) GROUP BY status ORDER BY status`, [ids])).rows;

  console.log('');
  console.log(`kill -9 connectors under load: ${SECONDS} s at ${RATE} messages/s offered, ${kills} kills, ${CONVERSATIONS} WhatsApp conversations`);
  console.log(`  accepted (202):            ${ids.length}   (rejected: ${rejected})`);
  console.log(`  all sent or refused:       ${drainedAfter.toFixed(1)} s after the load ended`);
  console.log(`  received by the provider:  ${ids.length - lost} distinct, ${simulator.accepted.length} sends in all`);
  console.log(`  lost:                      ${lost}`);
  console.log(`  duplicate sends:           ${duplicateSends}`);
  console.log(`  order violations:          ${orderViolations}`);
  console.log(`  statuses now:              ${statuses.map((r) => `${r.status} ${r.n}`).join(', ')}`);
  console.log(`  receipts lost (not READ):  ${notRead}`);
  process.exitCode = lost === 0 && orderViolations === 0 && notRead === 0 ? 0 : 1;
} finally {
  await db.end();
  connectors.stop();
  platform.stopAll();
  await simulator.stop();
}
