import { createEnvelope, outboundTopic, Topics } from '@chat4all/contracts';
import { createDataSource } from '@chat4all/database';
import { createKafka, topicGroup } from '@chat4all/kafka';
import { adminCli, REPO_ROOT, stackEnv, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';

interface DeadLetterView {
  id: string;
  event_id: string | null;
  source: { topic: string; partition: number; offset: string; key: string | null };
  reason: string;
  attempts: number;
  replayed_at: string | null;
  value: unknown;
}

const TOPIC = outboundTopic('whatsapp');

// A connector's dead letters go the way of the worker's (DeadLetterSink, @chat4all/kafka): a record on
// message_processing_dlq with the dlq-* headers, the connectors' metric and audit event; message-worker,
// which owns dead_letters, records the row, so the admin API lists it and replays it to its topic.
describe('connectors: dead letters visible in the admin API and replayable', () => {
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let connectors: RunningApp;
  let operatorToken: string;
  let producer: Producer;
  let kafkaAdmin: Admin;
  let db: DataSource;

  const cli = (...args: string[]) =>
    adminCli<Record<string, string>>(...args);
  const call = (method: string, path: string) => fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${operatorToken}` } });
  const deadLetters = async () => ((await (await call('GET', '/v1/admin/dead-letters?limit=100&include_replayed=true')).json()) as { dead_letters: DeadLetterView[] }).dead_letters;
  const metric = async (name: string, labels: string) => {
    const line = (await (await fetch(`${connectors.internalUrl}/metrics`)).text()).split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  /** Moves a consumer group of `topic` to the topic's end, so it skips what other runs left there. */
  async function startAtEnd(groupId: string, topic: string): Promise<void> {
    const ends = await kafkaAdmin.fetchTopicOffsets(topic);
    await kafkaAdmin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  }

  beforeAll(async () => {
    const kafka = createKafka(stackEnv().kafka);
    kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    producer = kafka.producer();
    await producer.connect();
    db = await createDataSource(stackEnv().database, { schema: 'connectors', applicationName: 'test', entities: [], migrations: [] }).initialize();

    const [auth, worker] = await Promise.all([startApp('auth'), startApp('message-worker')]);
    apps.push(auth, worker);
    gateway = await startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, DELIVERY_GRPC_URL: `127.0.0.1:${worker.grpcPort}` } });
    apps.push(gateway);
    const groupPrefix = `test-connectors-dlq-${randomUUID()}`;
    await startAtEnd(topicGroup(groupPrefix, TOPIC), TOPIC);
    connectors = await startApp('connectors', { env: { CONNECTOR_CONSUMER_GROUP: groupPrefix, CONNECTOR_CHANNELS: 'whatsapp', CONNECTORS_SIMULATE: 'true' } });
    apps.push(connectors);

    const user = cli('create-user', `operator-${randomUUID()}`);
    const client = cli('create-client', user.name, '--scopes', 'read,write,admin');
    const res = await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }),
    });
    operatorToken = ((await res.json()) as { access_token: string }).access_token;
  }, 120_000);

  afterAll(async () => {
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    for (const a of apps) writeFileSync(join(REPO_ROOT, `.stack/logs/tests/connectors-dlq-${a.name}-${a.httpPort}.log`), a.output());
    await producer?.disconnect();
    await kafkaAdmin?.disconnect();
    await db?.destroy();
    await Promise.all(apps.map((a) => a.stop('SIGTERM')));
  }, 60_000);

  it('a malformed outbound record and an event with an invalid payload are listed, audited and counted; a replay re-delivers one once to its topic', async () => {
    const before = await metric('connectors_dead_letters_total', `topic="${TOPIC}"`);
    const notAnEvent = { key: randomUUID(), value: `not an event ${randomUUID()}` };
    // A valid envelope whose payload is no outbound message (no message id, channel or contact).
    const badPayload = createEnvelope('message.outbound', randomUUID(), { text: 'hello' });
    const badKey = badPayload.aggregate_id;
    await producer.send({ topic: TOPIC, acks: -1, messages: [notAnEvent, { key: badKey, value: JSON.stringify(badPayload), headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }] });

    let listed: DeadLetterView[] = [];
    await waitFor(
      async () => {
        listed = await deadLetters();
        return listed.some((d) => d.source.key === notAnEvent.key) && listed.some((d) => d.event_id === badPayload.event_id);
      },
      { timeoutMs: 30_000, description: 'both connector dead letters listed by GET /v1/admin/dead-letters' },
    );
    const raw = listed.find((d) => d.source.key === notAnEvent.key)!;
    expect(raw).toMatchObject({ event_id: null, source: { topic: TOPIC }, attempts: 1, value: notAnEvent.value, replayed_at: null, reason: expect.stringContaining('not JSON') as string });
    const dead = listed.find((d) => d.event_id === badPayload.event_id)!;
    expect(dead).toMatchObject({ source: { topic: TOPIC, key: badKey }, attempts: 1, value: badPayload, reason: expect.stringContaining('invalid outbound payload') as string });

    // The same metric and audit event as every dead letter, from the app that gave up on it.
    expect(await metric('connectors_dead_letters_total', `topic="${TOPIC}"`)).toBe(before + 2);
    const audited = await db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM connectors.audit_events WHERE type = 'dead_letter_added' AND details->>'source_topic' = $1
          AND (details->>'source_partition') || ':' || (details->>'source_offset') = ANY($2::text[])`,
      [TOPIC, [raw, dead].map((d) => `${d.source.partition}:${d.source.offset}`)],
    );
    expect(Number(audited[0].n)).toBe(2);

    // Replay: exactly one copy back on messages.outbound.whatsapp, with the original value and headers.
    const seen: { value: string; headers: Record<string, string> }[] = [];
    const groupId = `test-replay-${randomUUID()}`;
    await startAtEnd(groupId, TOPIC);
    const watcher: Consumer = createKafka(stackEnv().kafka).consumer({ groupId });
    await watcher.connect();
    await watcher.subscribe({ topics: [TOPIC] });
    await watcher.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        if (headers['replay-of'] === dead.id) seen.push({ value: message.value?.toString() ?? '', headers });
        return Promise.resolve();
      },
    });
    try {
      const replay = await call('POST', `/v1/admin/dead-letters/${dead.id}/replay`);
      expect(replay.status).toBe(202);
      await waitFor(() => seen.length > 0, { timeoutMs: 30_000, description: 'replayed record on its original topic' });
      expect((await call('POST', `/v1/admin/dead-letters/${dead.id}/replay`)).status).toBe(409);
      await sleep(2_000);
      expect(seen).toHaveLength(1);
      expect(JSON.parse(seen[0].value)).toEqual(badPayload);
      expect(seen[0].headers).toMatchObject({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
      expect(Object.keys(seen[0].headers).filter((h) => h.startsWith('dlq-'))).toEqual([]);
    } finally {
      await watcher.disconnect();
    }

    // Still malformed, the replayed copy is dead-lettered again: a new row (its own offset), not a silent drop.
    await waitFor(async () => (await deadLetters()).filter((d) => d.event_id === badPayload.event_id).length === 2, { timeoutMs: 30_000, description: 'replayed copy dead-lettered again' });
    const rows = (await deadLetters()).filter((d) => d.event_id === badPayload.event_id);
    expect(rows.find((d) => d.id === dead.id)?.replayed_at).not.toBeNull();
    expect(rows.filter((d) => d.replayed_at === null)).toHaveLength(1);
  }, 120_000);

  it('lists a record of raw bytes with a NUL (which PostgreSQL text refuses), and those behind it on the DLQ', async () => {
    // Before: writing such a row failed on every redelivery, so the record, and every record behind
    // it, stayed where it was, never listed (the worker's own dead-lettering wrote the row first).
    const key = randomUUID();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ key, value: Buffer.from([0x7b, 0x00, 0xff, 0x7d]) }, { key, value: 'behind it' }] });
    await waitFor(async () => (await deadLetters()).filter((d) => d.source.key === key).length === 2, { timeoutMs: 30_000, description: 'both listed' });
    const listed = (await deadLetters()).filter((d) => d.source.key === key);
    expect(listed.map((d) => d.value)).toEqual(expect.arrayContaining(['behind it', '{\uFFFD\uFFFD}']));
  }, 60_000);

  it('message-worker keeps one row per source record however often its DLQ record is read', async () => {
    const key = randomUUID();
    const offset = String(Date.now());
    const dlqRecord = (sourceOffset: string) => ({
      key,
      value: JSON.stringify(createEnvelope('message.outbound', key, {})),
      headers: { 'dlq-reason': 'test', 'dlq-source-topic': 'test.idempotence', 'dlq-source-partition': '0', 'dlq-source-offset': sourceOffset, 'dlq-attempts': '1' },
    });
    // The same DLQ record twice (a sink that published, crashed before its commit, and published
    // again), then a marker behind them on the same partition (same key): once it is recorded, so are they.
    await producer.send({ topic: Topics.deadLetters, acks: -1, messages: [dlqRecord(offset), dlqRecord(offset), dlqRecord(`${offset}1`)] });
    const rows = (sourceOffset: string) =>
      db.query<{ n: string }[]>(`SELECT count(*) AS n FROM message_worker.dead_letters WHERE source_topic = 'test.idempotence' AND source_offset = $1`, [sourceOffset]).then((r) => Number(r[0].n));
    await waitFor(async () => (await rows(`${offset}1`)) === 1, { timeoutMs: 30_000, description: 'marker recorded' });
    expect(await rows(offset)).toBe(1);
  }, 60_000);
});
