import { Topics, type EventEnvelope } from '@chat4all/contracts';
import { createDataSource } from '@chat4all/database';
import { createKafka, EventConsumer } from '@chat4all/kafka';
import { REPO_ROOT, stackEnv, stackService, stackVariables, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
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
// membership scoping, and the outbox relay publishing to Kafka in per-conversation order.
describe('messaging: write path, outbox and relay', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  const relays: RunningApp[] = [];
  let db: DataSource;
  let alice: Caller, bob: Caller, carol: Caller;
  const consumed: { key: string | null; envelope: EventEnvelope<CreatedPayload> }[] = [];
  let consumer: EventConsumer;

  const admin = (...args: string[]) =>
    JSON.parse(execFileSync(process.execPath, [join(REPO_ROOT, 'dist/apps/auth/src/cli/admin.js'), ...args], { env: { PATH: process.env.PATH ?? '', ...stackVariables() } }).toString()) as Record<string, string>;

  async function caller(name: string): Promise<Caller> {
    const user = admin('create-user', `${name}-${randomUUID()}`);
    const client = admin('create-client', user.name, '--scopes', 'read,write');
    const res = await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString(),
    });
    return { userId: user.user_id, token: ((await res.json()) as { access_token: string }).access_token };
  }

  const call = (who: Caller, method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
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

  const consumedFor = (conversationId: string) => consumed.filter((c) => c.key === conversationId).map((c) => c.envelope.payload);

  beforeAll(async () => {
    auth = await startApp('auth');
    gateway = await startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, RATE_LIMIT_WRITE_PER_MINUTE: '100000' } });
    relays.push(...(await Promise.all([startApp('outbox-relay'), startApp('outbox-relay')])));
    db = await createDataSource(stackEnv().database, { schema: 'gateway', applicationName: 'test', entities: [], migrations: [] }).initialize();
    [alice, bob, carol] = await Promise.all([caller('alice'), caller('bob'), caller('carol')]);
    consumer = new EventConsumer(createKafka(stackEnv().kafka), {
      groupId: `test-messaging-${randomUUID()}`,
      topics: [Topics.messagesCreated],
      fromBeginning: false,
      handle: (e) => {
        consumed.push({ key: e.key, envelope: e.envelope as EventEnvelope<CreatedPayload> });
        return Promise.resolve();
      },
    });
    await consumer.start();
  }, 90_000);

  afterAll(async () => {
    await stackService('up', 'kafka');
    await consumer?.stop();
    await db?.destroy();
    await Promise.all([auth, gateway, ...relays].map((a) => a?.stop('SIGKILL')));
  }, 90_000);

  it('accepts a message (202, seq 1), reads it back at once, and publishes it to messages.created', async () => {
    const conversationId = await conversation([alice, bob]);
    const messageId = randomUUID();
    const res = await send(alice, conversationId, 'hello bob', messageId);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ message_id: messageId, seq: 1, status: 'ACCEPTED' });

    const read = await call(bob, 'GET', `/v1/messages/${messageId}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ seq: 1, status: 'ACCEPTED', sender_id: alice.userId, status_history: [{ status: 'ACCEPTED' }] });

    await waitFor(() => consumedFor(conversationId).length === 1, { timeoutMs: 20_000, description: 'event on messages.created' });
    expect(consumedFor(conversationId)[0]).toMatchObject({ message_id: messageId, seq: 1, sender_id: alice.userId, payload: { type: 'text', text: 'hello bob' } });
    await waitFor(async () => (await outboxRows(conversationId)) === 0, { description: 'outbox drained' });
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
  });

  it('Kafka stopped: messages are still accepted into the outbox; Kafka back: every one is published', async () => {
    const conversationId = await conversation([alice, bob]);
    await stackService('down', 'kafka');
    for (let i = 0; i < 10; i++) expect((await send(alice, conversationId, `during outage ${i}`)).status).toBe(202);
    expect(await outboxRows(conversationId)).toBe(10);

    await stackService('up', 'kafka');
    await waitFor(async () => (await outboxRows(conversationId)) === 0, { timeoutMs: 90_000, description: 'outbox drained after Kafka returned' });
    await waitFor(() => new Set(consumedFor(conversationId).map((p) => p.seq)).size === 10, { timeoutMs: 60_000, description: '10 events consumed' });
    expect([...new Set(consumedFor(conversationId).map((p) => p.seq))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 180_000);
});
