import { RealtimeClient, type RealtimeEvent } from '@chat4all/sdk';
import { newCaller, REPO_ROOT, stackService, startApp, waitFor, type Caller, type RunningApp } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';

// Realtime delivery through the whole pipeline (issue 6): gateway → outbox → relay → Kafka → worker
// → Redis → two realtime instances → WebSocket clients, with resume from the durable log.
describe('realtime: fan-out across instances, resume, heartbeats and limits', () => {
  let auth: RunningApp, gateway: RunningApp, relay: RunningApp, worker: RunningApp;
  const realtimes: RunningApp[] = [];
  let alice: Caller, bob: Caller;
  const clients: RealtimeClient[] = [];

  const call = async (who: Caller, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const send = async (who: Caller, conversationId: string, text: string) => {
    const res = await call(who, 'POST', '/v1/messages', { message_id: randomUUID(), conversation_id: conversationId, payload: { type: 'text', text } });
    expect(res.status).toBe(202);
    return res.body as { message_id: string; seq: number };
  };

  async function conversation(a: Caller, b: Caller): Promise<string> {
    return (await call(a, 'POST', '/v1/conversations', { type: 'private', member_ids: [b.userId] })).body.id as string;
  }

  /** A client on the given realtime instance, collecting its events; resolves once ready. */
  async function connect(who: Caller, instance: RealtimeApp, positions?: Record<string, number>) {
    const events: RealtimeEvent[] = [];
    const resumed: { conversation_id: string; read_seqs: Record<string, number> }[] = [];
    const client = new RealtimeClient({ url: `ws://127.0.0.1:${instance.httpPort}/ws`, token: () => who.token, positions, backoff: { baseMs: 50, maxMs: 500 } });
    client.on('event', (e: RealtimeEvent) => events.push(e));
    client.on('resumed', (r: { conversation_id: string; read_seqs: Record<string, number> }) => resumed.push(r));
    client.on('error', () => undefined);
    clients.push(client);
    const ready = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    client.start();
    await ready;
    return { client, events, resumed, messages: (c: string) => events.flatMap((e) => (e.type === 'message.created' && e.conversation_id === c ? [e.seq] : [])) };
  }
  type RealtimeApp = RunningApp;

  beforeAll(async () => {
    auth = await startApp('auth');
    worker = await startApp('message-worker');
    relay = await startApp('outbox-relay');
    gateway = await startApp('gateway', {
      env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, DELIVERY_GRPC_URL: `127.0.0.1:${worker.grpcPort}`, RATE_LIMIT_WRITE_PER_MINUTE: '100000' },
    });
    const env = {
      AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
      MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}`,
      WS_HEARTBEAT_INTERVAL_MS: '300',
      WS_HEARTBEAT_TIMEOUT_MS: '1000',
      WS_MAX_CONNECTIONS_PER_USER: '3',
      WS_MAX_FRAMES_PER_SECOND: '10',
    };
    realtimes.push(...(await Promise.all([startApp('realtime', { env }), startApp('realtime', { env })])));
    [alice, bob] = await Promise.all([newCaller(gateway.url, 'alice'), newCaller(gateway.url, 'bob')]);
  }, 90_000);

  afterEach(() => {
    clients.forEach((c) => c.stop());
    clients.length = 0;
  });

  afterAll(async () => {
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    for (const app of [gateway, worker, ...realtimes]) writeFileSync(join(REPO_ROOT, `.stack/logs/tests/realtime-${app.name}-${app.httpPort}.log`), app.output());
    await stackService('up', 'redis');
    await Promise.all([auth, gateway, relay, worker, ...realtimes].map((a) => a?.stop('SIGTERM')));
  }, 60_000);

  it('delivers a message to the other member on another instance; reading it notifies the sender', async () => {
    const conversationId = await conversation(alice, bob);
    const a = await connect(alice, realtimes[0]);
    const b = await connect(bob, realtimes[1]);
    const sent = await send(alice, conversationId, 'hi bob');

    await waitFor(() => b.messages(conversationId).includes(sent.seq), { timeoutMs: 15_000, description: 'message.created on the other instance' });
    expect(b.events.find((e) => e.type === 'message.created')).toMatchObject({
      conversation_id: conversationId,
      seq: 1,
      message: { message_id: sent.message_id, sender_id: alice.userId, payload: { type: 'text', text: 'hi bob' } },
    });

    expect((await call(bob, 'POST', `/v1/conversations/${conversationId}/read`)).status).toBe(200);
    await waitFor(() => a.events.some((e) => e.type === 'conversation.read' && e.conversation_id === conversationId), { timeoutMs: 15_000, description: 'conversation.read' });
    await waitFor(() => a.events.some((e) => e.type === 'message.status' && e.message_id === sent.message_id && e.status === 'READ'), {
      timeoutMs: 15_000,
      description: 'message.status READ',
    });
    expect(a.events.find((e) => e.type === 'conversation.read')).toMatchObject({ seq: 1, user_id: bob.userId });
  });

  // FR-RT-03 (issue 16, point 8): Bob's client acknowledges what it received (realtime-client sends
  // the ack by itself), which makes the message DELIVERED; reading makes it READ. Alice's socket sees
  // every step as a frame, in order, and the message's history has all four.
  it('an internal message with both members online goes ACCEPTED → SENT → DELIVERED → READ, and the sender sees each', async () => {
    const conversationId = await conversation(alice, bob);
    const a = await connect(alice, realtimes[0]);
    const b = await connect(bob, realtimes[1]);
    const sent = await send(alice, conversationId, 'did you get this?');
    const statusesAtAlice = () => a.events.filter((e) => e.type === 'message.status' && e.message_id === sent.message_id).map((e) => (e.type === 'message.status' ? e.status : ''));

    await waitFor(() => b.messages(conversationId).includes(sent.seq), { timeoutMs: 15_000, description: 'message at Bob' });
    await waitFor(() => statusesAtAlice().includes('DELIVERED'), { timeoutMs: 15_000, description: 'DELIVERED at Alice' });
    expect(a.events.find((e) => e.type === 'conversation.delivered' && e.user_id === bob.userId)).toMatchObject({ conversation_id: conversationId, seq: sent.seq });
    expect((await call(bob, 'POST', `/v1/conversations/${conversationId}/read`)).status).toBe(200);
    await waitFor(() => statusesAtAlice().includes('READ'), { timeoutMs: 15_000, description: 'READ at Alice' });

    expect(statusesAtAlice()).toEqual(['SENT', 'DELIVERED', 'READ']);
    const message = await call(alice, 'GET', `/v1/messages/${sent.message_id}`);
    expect((message.body.status_history as { status: string }[]).map((h) => h.status)).toEqual(['ACCEPTED', 'SENT', 'DELIVERED', 'READ']);
    const detail = await call(alice, 'GET', `/v1/conversations/${conversationId}`);
    expect(detail.body.members).toEqual(expect.arrayContaining([{ user_id: bob.userId, read_seq: sent.seq, delivered_seq: sent.seq }]));
  });

  it('follows conversations created after connecting', async () => {
    const b = await connect(bob, realtimes[1]);
    const conversationId = await conversation(alice, bob);
    await waitFor(() => b.events.some((e) => e.type === 'conversation.joined' && e.conversation_id === conversationId), { timeoutMs: 10_000, description: 'conversation.joined' });
    await send(alice, conversationId, 'new conversation');
    await waitFor(() => b.messages(conversationId).length === 1, { timeoutMs: 15_000, description: 'message in the new conversation' });
  });

  it('a client that was away while 100 messages were sent gets exactly those 100 on resume, in order', async () => {
    const conversationId = await conversation(alice, bob);
    const first = await connect(bob, realtimes[0]);
    first.client.track(conversationId);
    await send(alice, conversationId, 'before');
    await waitFor(() => first.messages(conversationId).length === 1, { timeoutMs: 15_000, description: 'first message live' });
    first.client.stop();

    for (let i = 0; i < 100; i++) await send(i % 2 ? alice : bob, conversationId, `while away ${i}`);
    // Alice also read everything while Bob was away: his read marks come with the end of the replay.
    expect((await call(alice, 'POST', `/v1/conversations/${conversationId}/read`, {})).status).toBe(200);
    const again = await connect(bob, realtimes[1], first.client.seen);
    await waitFor(() => again.messages(conversationId).length === 100, { timeoutMs: 30_000, description: '100 messages after resume' });
    await new Promise((r) => setTimeout(r, 1000)); // anything extra (a duplicate) would arrive now
    expect(again.messages(conversationId)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(again.resumed.find((r) => r.conversation_id === conversationId)?.read_seqs[alice.userId]).toBe(101);
  });

  it('loses nothing while Redis is down: the gap is filled by resume once it is back', async () => {
    const conversationId = await conversation(alice, bob);
    const b = await connect(bob, realtimes[1]);
    b.client.track(conversationId);
    await send(alice, conversationId, 'before the outage');
    await waitFor(() => b.messages(conversationId).length === 1, { timeoutMs: 15_000, description: 'live before the outage' });

    await stackService('down', 'redis');
    for (let i = 0; i < 20; i++) await send(alice, conversationId, `during the outage ${i}`);
    // The REST timeline is the fallback meanwhile.
    const timeline = await call(bob, 'GET', `/v1/conversations/${conversationId}/messages?limit=100`);
    expect((timeline.body.messages as unknown[]).length).toBe(21);
    await stackService('up', 'redis');

    // The next live frame reveals the gap; the client resumes and gets everything, once, in order.
    await waitFor(
      async () => {
        if (b.messages(conversationId).length < 22) await send(alice, conversationId, 'after the outage');
        return b.messages(conversationId).length >= 22;
      },
      { timeoutMs: 60_000, intervalMs: 2000, description: 'gap filled after Redis returned' },
    );
    const seqs = b.messages(conversationId);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  }, 120_000);

  it('refuses a bad token before the upgrade and closes over-limit connections with 4008', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${realtimes[0].httpPort}/ws?token=not-a-jwt`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);

    const carol = await newCaller(gateway.url, 'carol');
    const open = (instance = realtimes[0]): Promise<{ ws: WebSocket; closed: Promise<number> }> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${instance.httpPort}/ws?token=${carol.token}`);
        const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
        ws.on('message', (d: Buffer) => {
          if ((JSON.parse(d.toString()) as { type: string }).type === 'ready') resolve({ ws, closed });
        });
        ws.on('close', () => resolve({ ws, closed }));
      });
    // The limit (3 here) holds across instances: two connections on one, a third on the other, the
    // fourth refused wherever it lands.
    const allowed = [await open(realtimes[0]), await open(realtimes[0]), await open(realtimes[1])];
    const fourth = await open(realtimes[1]);
    expect(await fourth.closed).toBe(4008);

    // Frame flood on one connection: closed with 4008 too.
    for (let i = 0; i < 30; i++) allowed[0].ws.send(JSON.stringify({ type: 'ping' }));
    expect(await allowed[0].closed).toBe(4008);
    allowed.slice(1).forEach((a) => a.ws.close());
  });

  it('closes a connection that stops answering heartbeats', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${realtimes[1].httpPort}/ws?token=${alice.token}`, { autoPong: false });
    const started = Date.now();
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1006); // terminated: no close handshake with a dead peer
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
