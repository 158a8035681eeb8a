import { createEnvelope, outboundTopic, Topics, type EventEnvelope } from '@chat4all/contracts';
import { createDataSource } from '@chat4all/database';
import { createKafka, EventConsumer } from '@chat4all/kafka';
import { adminCli, REPO_ROOT, stackEnv, stackService, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';

interface Caller {
  userId: string;
  token: string;
}

interface CreatedPayload {
  message_id: string;
  conversation_id: string;
  seq: number;
}

// The messaging core through the running apps (issue 4): the transactional write path, idempotency,
// membership scoping, the outbox relay publishing to Kafka in per-conversation order, and the worker
// (inbox dedupe, routing, forward-only status, retries and dead letters).
describe('messaging: write path, outbox, relay and worker', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  const relays: RunningApp[] = [];
  const workers: RunningApp[] = [];
  let producer: Producer;
  let operator: Caller;
  let db: DataSource;
  let alice: Caller, bob: Caller, carol: Caller;
  const consumed: { key: string | null; envelope: EventEnvelope<CreatedPayload> }[] = [];
  let consumer: EventConsumer;

  const admin = (...args: string[]) =>
    adminCli<Record<string, string>>(...args);

  async function caller(name: string, scopes = 'read,write'): Promise<Caller> {
    const user = admin('create-user', `${name}-${randomUUID()}`);
    const client = admin('create-client', user.name, '--scopes', scopes);
    const res = await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString(),
    });
    return { userId: user.user_id, token: ((await res.json()) as { access_token: string }).access_token };
  }

  const call = (who: Caller, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });

  async function conversation(members: Caller[], type = 'private'): Promise<string> {
    const res = await call(members[0], 'POST', '/v1/conversations', { type, member_ids: members.map((m) => m.userId) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  const send = (who: Caller, conversationId: string, text: string, messageId = randomUUID()) =>
    call(who, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversationId, payload: { type: 'text', text } });

  const outboxRows = async (conversationId: string) =>
    Number((await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM gateway.outbox_events WHERE partition_key = $1`, [conversationId]))[0]?.n);

  const consumedFor = (conversationId: string) => consumed.filter((c) => c.key === conversationId && c.envelope.type === 'message.created').map((c) => c.envelope.payload);
  const outboundFor = (messageId: string) => consumed.filter((c) => c.envelope.type === 'message.outbound' && c.envelope.payload.message_id === messageId);

  const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }[]>(sql, params))[0]?.n);
  const deliveries = (conversationId: string) => count(`SELECT count(*) AS n FROM message_worker.deliveries WHERE conversation_id = $1`, [conversationId]);

  /** A counter summed over both workers' /metrics. */
  async function workerMetric(name: string, labels: string): Promise<number> {
    let total = 0;
    for (const w of workers) {
      const text = await (await fetch(`${w.internalUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
      total += line ? Number(line.split(' ').at(-1)) : 0;
    }
    return total;
  }

  beforeAll(async () => {
    auth = await startApp('auth');
    relays.push(...(await Promise.all([startApp('outbox-relay'), startApp('outbox-relay')])));
    workers.push(...(await Promise.all([startApp('message-worker'), startApp('message-worker')])));
    gateway = await startApp('gateway', {
      env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, DELIVERY_GRPC_URL: `127.0.0.1:${workers[0].grpcPort}`, RATE_LIMIT_WRITE_PER_MINUTE: '100000' },
    });
    producer = createKafka(stackEnv().kafka).producer();
    await producer.connect();
    db = await createDataSource(stackEnv().database, { schema: 'gateway', applicationName: 'test', entities: [], migrations: [] }).initialize();
    [alice, bob, carol, operator] = await Promise.all([caller('alice'), caller('bob'), caller('carol'), caller('operator', 'read,write,admin')]);
    // The group starts at the topics' current ends, committed: a consumer that has to rejoin (Kafka is
    // stopped below) resumes from there. With no committed offset it would rejoin at the then-latest
    // offset and skip what the relay published while it was away (a flaky "10 events consumed").
    const groupId = `test-messaging-${randomUUID()}`;
    const topics = [Topics.messagesCreated, outboundTopic('whatsapp')];
    const kafkaAdmin = createKafka(stackEnv().kafka).admin();
    await kafkaAdmin.connect();
    try {
      for (const topic of topics) {
        const ends = await kafkaAdmin.fetchTopicOffsets(topic);
        await kafkaAdmin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
      }
    } finally {
      await kafkaAdmin.disconnect();
    }
    consumer = new EventConsumer(createKafka(stackEnv().kafka), {
      groupId,
      topics,
      fromBeginning: false,
      handle: (e) => {
        consumed.push({ key: e.key, envelope: e.envelope as EventEnvelope<CreatedPayload> });
        return Promise.resolve();
      },
    });
    await consumer.start();
  }, 90_000);

  afterAll(async () => {
    // Worker logs help when a pipeline test fails: kept under .stack/logs/tests/.
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    workers.forEach((w, i) => writeFileSync(join(REPO_ROOT, `.stack/logs/tests/messaging-worker-${i}.log`), w.output()));
    await stackService('up', 'kafka');
    await consumer?.stop();
    await producer?.disconnect();
    await db?.destroy();
    // SIGTERM: workers leave their consumer group, so the next test's workers get the partitions at once.
    await Promise.all([auth, gateway, ...relays, ...workers].map((a) => a?.stop('SIGTERM')));
  }, 90_000);

  it('accepts a message (202, seq 1), reads it back at once, and publishes it to messages.created', async () => {
    const conversationId = await conversation([alice, bob]);
    const messageId = randomUUID();
    const res = await send(alice, conversationId, 'hello bob', messageId);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message_id: messageId, seq: 1, status: 'ACCEPTED' });

    const read = await call(bob, 'GET', `/v1/messages/${messageId}`);
    expect(read.status).toBe(200);
    // Visible at once (read-after-write), ACCEPTED or, if the worker was quicker than us, SENT (with
    // the history to match).
    const message = (await read.json()) as { status: string; status_history: { status: string }[] };
    expect(message).toMatchObject({ seq: 1, status: expect.stringMatching(/^(ACCEPTED|SENT)$/) as string, sender_id: alice.userId });
    expect(message.status_history.map((h) => h.status)).toEqual(message.status === 'SENT' ? ['ACCEPTED', 'SENT'] : ['ACCEPTED']);

    await waitFor(() => consumedFor(conversationId).length === 1, { timeoutMs: 20_000, description: 'event on messages.created' });
    expect(consumedFor(conversationId)[0]).toMatchObject({ message_id: messageId, seq: 1, sender_id: alice.userId, payload: { type: 'text', text: 'hello bob' } });
    await waitFor(async () => (await outboxRows(conversationId)) === 0, { description: 'outbox drained' });

    // Processed by the worker: an internal conversation's message is SENT, with its history.
    await waitFor(async () => ((await (await call(bob, 'GET', `/v1/messages/${messageId}`)).json()) as { status: string }).status === 'SENT', {
      timeoutMs: 20_000,
      description: 'message processed by the worker',
    });
    expect(await (await call(alice, 'GET', `/v1/messages/${messageId}`)).json()).toMatchObject({
      status: 'SENT',
      status_history: [{ status: 'ACCEPTED' }, { status: 'SENT' }],
    });
  });

  it('answers a retry with the same result (Idempotent-Replayed) and a conflicting reuse with 409; one row either way', async () => {
    const conversationId = await conversation([alice, bob]);
    const messageId = randomUUID();
    expect((await send(alice, conversationId, 'once', messageId)).status).toBe(202);
    const retry = await send(alice, conversationId, 'once', messageId);
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual({ message_id: messageId, seq: 1, status: 'ACCEPTED' });
    const conflict = await send(alice, conversationId, 'something else', messageId);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ type: 'https://chat4all.dev/problems/message-id-conflict' });
    const rows = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM gateway.messages WHERE id = $1`, [messageId]);
    expect(Number(rows[0]?.n)).toBe(1);
    // The retry took no seq: the next message is 2.
    expect(await (await send(bob, conversationId, 'next')).json()).toMatchObject({ seq: 2 });
  });

  it('shows a non-member a 404 on every conversation route, the same as for a conversation that does not exist', async () => {
    const conversationId = await conversation([alice, bob]);
    const messageId = randomUUID();
    await send(alice, conversationId, 'private', messageId);
    const missing = randomUUID();
    for (const [path, method, body] of [
      [`/v1/conversations/${conversationId}`, 'GET'],
      [`/v1/conversations/${conversationId}/messages`, 'GET'],
      [`/v1/messages/${messageId}`, 'GET'],
      ['/v1/messages', 'POST', { message_id: randomUUID(), conversation_id: conversationId, payload: { type: 'text', text: 'hi' } }],
    ] as [string, string, unknown?][]) {
      const res = await call(carol, method, path, body);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      const otherPath = path.replace(conversationId, missing).replace(messageId, missing);
      const otherBody = body ? { ...(body), conversation_id: missing } : undefined;
      const nonexistent = await call(carol, method, otherPath, otherBody);
      expect((await res.json() as { type: string }).type).toBe((await nonexistent.json() as { type: string }).type);
    }
  });

  it('rejects invalid bodies with a problem listing every bad field', async () => {
    const res = await call(alice, 'POST', '/v1/messages', { message_id: 'nope', payload: { type: 'text', text: '' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; errors: { field: string }[] };
    expect(body.type).toBe('https://chat4all.dev/problems/invalid-request');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['conversation_id', 'message_id', 'payload.text']);
  });

  it('20 concurrent writers x 50 messages into one conversation: seqs are exactly 1..1000, published in seq order', async () => {
    const group = await conversation([alice, bob, carol], 'group');
    const writers = Array.from({ length: 20 }, (_, w) => (w % 3 === 0 ? alice : w % 3 === 1 ? bob : carol));
    const answers = await Promise.all(
      writers.map(async (who, w) => {
        const seqs: number[] = [];
        for (let i = 0; i < 50; i++) {
          const res = await send(who, group, `w${w}-m${i}`);
          expect(res.status).toBe(202);
          seqs.push(((await res.json()) as { seq: number }).seq);
        }
        return seqs;
      }),
    );
    expect(answers.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));

    await waitFor(() => new Set(consumedFor(group).map((p) => p.seq)).size === 1000, { timeoutMs: 60_000, description: '1000 events consumed' });
    const order = consumedFor(group).map((p) => p.seq);
    // At-least-once may repeat an event, but never go back past one already delivered.
    const firstSeen = order.filter((seq, i) => order.indexOf(seq) === i);
    expect(firstSeen).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));

    // Two workers share the partitions; the one that owns this conversation processed it in seq order.
    await waitFor(async () => (await deliveries(group)) === 1000, { timeoutMs: 60_000, description: '1000 messages processed' });
    const processed = await db.query<{ seq: string }[]>(`SELECT seq FROM message_worker.deliveries WHERE conversation_id = $1 ORDER BY processing_order`, [group]);
    expect(processed.map((r) => Number(r.seq))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  }, 120_000);

  it('Kafka stopped: messages are still accepted into the outbox; Kafka back: every one is published', async () => {
    const conversationId = await conversation([alice, bob]);
    await stackService('down', 'kafka');
    for (let i = 0; i < 10; i++) expect((await send(alice, conversationId, `during outage ${i}`)).status).toBe(202);
    expect(await outboxRows(conversationId)).toBe(10);

    await stackService('up', 'kafka');
    await waitFor(async () => (await outboxRows(conversationId)) === 0, { timeoutMs: 90_000, description: 'outbox drained after Kafka returned' });
    await waitFor(() => new Set(consumedFor(conversationId).map((p) => p.seq)).size === 10, { timeoutMs: 60_000, description: '10 events consumed' });
    expect([...new Set(consumedFor(conversationId).map((p) => p.seq))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // Processed once each: one delivery row, one inbox row and two history rows (ACCEPTED, SENT) per message.
    await waitFor(async () => (await deliveries(conversationId)) === 10, { timeoutMs: 60_000, description: '10 messages processed' });
    const eventIds = consumed.filter((c) => c.key === conversationId).map((c) => c.envelope.event_id);
    expect(await count(`SELECT count(*) AS n FROM message_worker.processed_events WHERE event_id = ANY($1::uuid[])`, [eventIds])).toBe(10);
    expect(
      await count(
        `SELECT count(*) AS n FROM message_worker.delivery_status_history h JOIN message_worker.deliveries d USING (message_id) WHERE d.conversation_id = $1`,
        [conversationId],
      ),
    ).toBe(20);
  }, 180_000);

  it('the same event delivered twice to the worker has one effect', async () => {
    const res = await call(alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId], channel: 'whatsapp', external_contact: '+5511999990000' });
    const conversationId = ((await res.json()) as { id: string }).id;
    const messageId = randomUUID();
    expect((await send(alice, conversationId, 'to whatsapp', messageId)).status).toBe(202);
    await waitFor(() => outboundFor(messageId).length === 1, { timeoutMs: 20_000, description: 'routed to messages.outbound.whatsapp' });
    const original = consumed.find((c) => c.envelope.type === 'message.created' && c.envelope.payload.message_id === messageId);
    const duplicatesBefore = await workerMetric('message_worker_events_total', 'outcome="duplicate"');

    // The relay's at-least-once, twice over: the very same record again, two more times. (Right after
    // the Kafka restart of the test before, the worker's group may still be rebalancing: hence 60 s.)
    const record = { key: conversationId, value: JSON.stringify(original?.envelope) };
    await producer.send({ topic: Topics.messagesCreated, acks: -1, messages: [record, record] });
    await waitFor(async () => (await workerMetric('message_worker_events_total', 'outcome="duplicate"')) >= duplicatesBefore + 2, { timeoutMs: 60_000, description: 'duplicates seen' });

    expect(await deliveries(conversationId)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM message_worker.delivery_status_history WHERE message_id = $1`, [messageId])).toBe(1);
    expect(outboundFor(messageId)).toHaveLength(1);
  });

  it('a poison event is retried 3 times, dead-lettered (DLQ record, row, metric), and replayed once', async () => {
    const conversationId = await conversation([alice, bob]);
    const messageId = randomUUID();
    // A receipt for a message the worker has never seen: fails on every attempt.
    const receipt = createEnvelope('message.status', conversationId, { message_id: messageId, conversation_id: conversationId, status: 'DELIVERED', at: new Date().toISOString() });
    const deadBefore = await workerMetric('message_worker_dead_letters_total', `topic="${Topics.messagesStatus}"`);
    const started = Date.now();
    await producer.send({ topic: Topics.messagesStatus, acks: -1, messages: [{ key: conversationId, value: JSON.stringify(receipt) }] });

    // While it is retried, the other topics flow: messages of other conversations (on partitions of
    // both workers) are processed long before the 7 s of backoff are over.
    await sleep(300);
    const others = await Promise.all(Array.from({ length: 6 }, () => conversation([alice, bob])));
    for (const c of others) expect((await send(alice, c, 'meanwhile')).status).toBe(202);
    await waitFor(async () => (await Promise.all(others.map(deliveries))).every((n) => n === 1), { timeoutMs: 5_000, description: 'other messages processed during the retries' });
    expect(await count(`SELECT count(*) AS n FROM message_worker.dead_letters WHERE event_id = $1`, [receipt.event_id])).toBe(0);

    await waitFor(async () => (await count(`SELECT count(*) AS n FROM message_worker.dead_letters WHERE event_id = $1`, [receipt.event_id])) === 1, {
      timeoutMs: 30_000,
      description: 'dead letter row',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(7000); // 1 s + 2 s + 4 s of backoff
    const [row] = await db.query<{ id: string; attempts: number; reason: string }[]>(`SELECT id, attempts, reason FROM message_worker.dead_letters WHERE event_id = $1`, [receipt.event_id]);
    expect(row).toMatchObject({ attempts: 4, reason: expect.stringContaining('unknown message') as string });
    // Counted once the DLQ record is written (right after the row).
    await waitFor(async () => (await workerMetric('message_worker_dead_letters_total', `topic="${Topics.messagesStatus}"`)) === deadBefore + 1, {
      timeoutMs: 10_000,
      description: 'message_worker_dead_letters_total incremented',
    });

    const dlq: EventEnvelope[] = [];
    const dlqConsumer = new EventConsumer(createKafka(stackEnv().kafka), {
      groupId: `test-dlq-${randomUUID()}`,
      topics: [Topics.deadLetters],
      fromBeginning: true,
      handle: (e) => {
        dlq.push(e.envelope);
        return Promise.resolve();
      },
    });
    await dlqConsumer.start();
    try {
      await waitFor(() => dlq.some((e) => e.event_id === receipt.event_id), { timeoutMs: 30_000, description: 'record on message_processing_dlq' });
    } finally {
      await dlqConsumer.stop();
    }

    // The admin API lists it; only the admin scope may see it.
    expect((await call(alice, 'GET', '/v1/admin/dead-letters')).status).toBe(403);
    const listed = (await (await call(operator, 'GET', '/v1/admin/dead-letters?limit=100')).json()) as { dead_letters: { id: string; event_id: string }[] };
    expect(listed.dead_letters.find((d) => d.id === row.id)).toMatchObject({ event_id: receipt.event_id });

    // The message arrives after all; replaying the receipt now applies it, once.
    expect((await send(alice, conversationId, 'late', messageId)).status).toBe(202);
    await waitFor(async () => (await deliveries(conversationId)) === 1, { timeoutMs: 20_000, description: 'message processed' });
    const replay = await call(operator, 'POST', `/v1/admin/dead-letters/${row.id}/replay`);
    expect(replay.status).toBe(202);
    await waitFor(async () => ((await (await call(alice, 'GET', `/v1/messages/${messageId}`)).json()) as { status: string }).status === 'DELIVERED', {
      timeoutMs: 20_000,
      description: 'replayed receipt applied',
    });
    expect(await count(`SELECT count(*) AS n FROM message_worker.delivery_status_history WHERE message_id = $1 AND status = 'DELIVERED'`, [messageId])).toBe(1);
    expect((await call(operator, 'POST', `/v1/admin/dead-letters/${row.id}/replay`)).status).toBe(409);
    expect((await call(operator, 'POST', `/v1/admin/dead-letters/999999999/replay`)).status).toBe(404);
  }, 90_000);

  it('lists the caller\'s conversations by last activity with preview and unread count; reading moves the horizon forward only', async () => {
    const first = await conversation([alice, bob]);
    const second = await conversation([alice, carol]);
    await send(bob, first, 'one');
    await send(bob, first, 'two');
    await send(carol, second, 'x'.repeat(300));
    const sentByAlice = randomUUID();
    await send(alice, first, 'three', sentByAlice);
    await send(bob, first, 'four');

    const page = (await (await call(alice, 'GET', '/v1/conversations?limit=2')).json()) as {
      conversations: { id: string; unread_count: number; last_seq: number; last_message: { preview: string; sender_id: string; seq: number } }[];
      next_cursor: string;
    };
    expect(page.conversations.map((c) => c.id)).toEqual([first, second]);
    // Alice's own message moved her horizon to 3; bob's 4th is unread.
    expect(page.conversations[0]).toMatchObject({ last_seq: 4, unread_count: 1, last_message: { preview: 'four', sender_id: bob.userId, seq: 4 } });
    expect(page.conversations[1].last_message.preview).toHaveLength(100);
    expect(page.next_cursor).toEqual(expect.any(String));
    const next = (await (await call(alice, 'GET', `/v1/conversations?limit=2&cursor=${page.next_cursor}`)).json()) as { conversations: { id: string }[] };
    expect(next.conversations.map((c) => c.id)).not.toContain(first);
    // A member sees only their own conversations.
    const carols = (await (await call(carol, 'GET', '/v1/conversations?limit=100')).json()) as { conversations: { id: string }[] };
    expect(carols.conversations.map((c) => c.id)).toContain(second);
    expect(carols.conversations.map((c) => c.id)).not.toContain(first);
    expect((await call(alice, 'GET', '/v1/conversations?limit=101')).status).toBe(400);
    expect((await call(alice, 'GET', '/v1/conversations?cursor=bm9wZQ')).status).toBe(400);

    const status = async (who: Caller, id: string) => ((await (await call(who, 'GET', `/v1/messages/${id}`)).json()) as { status: string }).status;
    // Bob replied after alice's message: replying implies reading, so hers is READ.
    await waitFor(async () => (await status(alice, sentByAlice)) === 'READ', { timeoutMs: 20_000, description: 'message READ after the reply' });

    // Alice reads up to 4: bob's last message becomes READ; the unread count drops to 0.
    const read = await call(alice, 'POST', `/v1/conversations/${first}/read`, { up_to_seq: 4 });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ conversation_id: first, read_seq: 4, unread_count: 0 });
    const [fourth] = ((await (await call(bob, 'GET', `/v1/conversations/${first}/messages?after_seq=3`)).json()) as { messages: { message_id: string }[] }).messages;
    await waitFor(async () => (await status(bob, fourth.message_id)) === 'READ', { timeoutMs: 20_000, description: 'READ after an explicit read' });
    // Never backwards; never past the last message; only for members.
    expect(await (await call(alice, 'POST', `/v1/conversations/${first}/read`, { up_to_seq: 1 })).json()).toMatchObject({ read_seq: 4 });
    expect((await call(alice, 'POST', `/v1/conversations/${first}/read`, { up_to_seq: 99 })).status).toBe(400);
    expect((await call(carol, 'POST', `/v1/conversations/${first}/read`, {})).status).toBe(404);
    // Without up_to_seq: everything so far (carol's conversation with alice).
    expect(await (await call(alice, 'POST', `/v1/conversations/${second}/read`)).json()).toMatchObject({ read_seq: 1, unread_count: 0 });
  });

  it('honours Idempotency-Key on POST: the same request is replayed, another request with the key is refused', async () => {
    const key = `create-${randomUUID()}`;
    const body = { type: 'private', member_ids: [bob.userId] };
    const first = await call(alice, 'POST', '/v1/conversations', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const again = await call(alice, 'POST', '/v1/conversations', body, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const other = await call(alice, 'POST', '/v1/conversations', { ...body, title: 'other' }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ type: 'https://chat4all.dev/problems/idempotency-key-reused' });
    expect((await call(alice, 'POST', '/v1/conversations', body, { 'idempotency-key': 'x'.repeat(256) })).status).toBe(400);
    // Keys are per user: bob's request with alice's key is his own.
    expect((await call(bob, 'POST', '/v1/conversations', { type: 'private', member_ids: [carol.userId] }, { 'idempotency-key': key })).status).toBe(201);
  });
});
