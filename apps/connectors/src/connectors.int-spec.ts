import { EXTERNAL_CHANNELS, outboundTopic, type ExternalChannel } from '@chat4all/contracts';
import { createDataSource } from '@chat4all/database';
import { createKafka, topicGroup } from '@chat4all/kafka';
import { adminCli, freePort, REPO_ROOT, stackEnv, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadChannelModules, type ChannelSimulator } from './channels';
import { hubSignature256 } from './channels/webhook-signature';

interface Caller {
  userId: string;
  token: string;
}
interface MessageView {
  status: string;
  failure_reason?: string;
  status_history: { status: string; at: string }[];
}

const PROGRESS: Record<string, number> = { ACCEPTED: 0, SENT: 1, DELIVERED: 2, READ: 3 };
let contacts = 0;
const contact = () => `1555${String(2_000_000 + Math.floor(Math.random() * 7_000_000) + ++contacts)}`;

// Issue 5 through the running system: gateway → outbox → relay → Kafka → worker → connectors →
// simulated provider (in this process, with its real API and webhook shapes) → receipts and inbound
// messages back through POST /webhooks/{channel} → Kafka → worker (and gateway for inbound).
describe('connectors: four simulated providers end to end', () => {
  const modules = loadChannelModules();
  const simulators = new Map<ExternalChannel, ChannelSimulator>();
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let connectors: RunningApp;
  let worker: RunningApp;
  let files: RunningApp;
  let agent: Caller, colleague: Caller;

  const admin = (...args: string[]) =>
    adminCli<Record<string, string>>(...args);
  const newUser = () => admin('create-user', `agent-${randomUUID()}`);
  async function login(user: Record<string, string>): Promise<Caller> {
    const client = admin('create-client', user.name, '--scopes', 'read,write');
    const res = await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }),
    });
    return { userId: user.user_id, token: ((await res.json()) as { access_token: string }).access_token };
  }
  const call = async <T>(who: Caller, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  async function externalConversation(channel: ExternalChannel, externalContact: string): Promise<string> {
    const res = await call<{ id: string }>(agent, 'POST', '/v1/conversations', { type: 'private', member_ids: [colleague.userId], channel, external_contact: externalContact });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  async function send(conversationId: string, text: string): Promise<string> {
    const messageId = randomUUID();
    const res = await call(agent, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversationId, payload: { type: 'text', text } });
    expect(res.status).toBe(202);
    return messageId;
  }
  const message = async (id: string) => (await call<MessageView>(agent, 'GET', `/v1/messages/${id}`)).body;
  const finalStatus = (channel: ExternalChannel) => {
    const receipts = modules.find((m) => m.channel === channel)!.capabilities.receipts.filter((s) => s !== 'FAILED');
    return receipts.at(-1) ?? 'SENT';
  };
  /** A sample of one app's /metrics (0 when absent). */
  async function metricOf(app: RunningApp, name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${app.internalUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }
  const metric = (name: string, labels: string) => metricOf(connectors, name, labels);
  const workerMetric = (name: string, labels: string) => metricOf(worker, name, labels);
  /** Posts a webhook body as the provider would, signed with `secret`. */
  function postWebhook(channel: ExternalChannel, body: string, secret: string): Promise<Response> {
    const auth = modules.find((m) => m.channel === channel)!.capabilities.webhookAuthentication;
    const headers = auth === 'body-hmac' ? { 'x-hub-signature-256': hubSignature256(secret, body) } : { 'x-telegram-bot-api-secret-token': secret };
    return fetch(`${connectors.url}/webhooks/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  beforeAll(async () => {
    const auth = await startApp('auth');
    apps.push(auth);
    const agentUser = newUser();
    const connectorsPort = await freePort();
    const channelEnv: Record<string, string> = {};
    for (const module of modules) {
      const simulator = module.createSimulator({
        seed: 7,
        latency: { kind: 'uniform', minMs: 5, maxMs: 30 },
        transientFailureRate: 0,
        webhook: { url: `http://127.0.0.1:${connectorsPort}/webhooks/${module.channel}`, receiptDelay: { kind: 'uniform', minMs: 10, maxMs: 60 }, duplicateRate: 0.7, reorderRate: 0.5, maxAttempts: 20, retryDelayMs: 250 },
      });
      await simulator.start();
      simulators.set(module.channel, simulator);
      const c = simulator.connectorConfig();
      const prefix = module.channel.toUpperCase();
      Object.assign(channelEnv, {
        [`${prefix}_API_URL`]: c.baseUrl,
        [`${prefix}_ACCESS_TOKEN`]: c.accessToken,
        [`${prefix}_WEBHOOK_SECRET`]: c.webhookSecret,
        [`${prefix}_VERIFY_TOKEN`]: `verify-${module.channel}`,
        ...(c.accountId ? { [`${prefix}_ACCOUNT_ID`]: c.accountId } : {}),
      });
    }
    // gateway reads delivery state from the worker; the worker writes inbound messages through gateway.
    const [gatewayGrpc, workerGrpc] = [await freePort(), await freePort()];
    let relay: RunningApp;
    [relay, worker] = await Promise.all([
      startApp('outbox-relay'),
      startApp('message-worker', { env: { GRPC_PORT: String(workerGrpc), MESSAGING_GRPC_URL: `127.0.0.1:${gatewayGrpc}` } }),
    ]);
    apps.push(relay, worker);
    files = await startApp('file-service', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } });
    apps.push(files);
    gateway = await startApp('gateway', {
      env: {
        FILE_GRPC_URL: `127.0.0.1:${files.grpcPort}`,
        FILE_SERVICE_URL: files.url,
        GRPC_PORT: String(gatewayGrpc),
        AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
        DELIVERY_GRPC_URL: `127.0.0.1:${workerGrpc}`,
        RATE_LIMIT_WRITE_PER_MINUTE: '100000',
        INBOUND_MEMBER_IDS: agentUser.user_id,
      },
    });
    apps.push(gateway);
    // A consumer group of its own, starting at the end of each outbound topic: what other runs left
    // unsent on a long-lived dev stack (a chaos run's thousands of messages) is not this test's.
    const groupId = `test-connectors-${randomUUID()}`;
    const admin = createKafka(stackEnv().kafka).admin();
    await admin.connect();
    for (const channel of EXTERNAL_CHANNELS) {
      const ends = await admin.fetchTopicOffsets(outboundTopic(channel));
      await admin.setOffsets({ groupId: topicGroup(groupId, outboundTopic(channel)), topic: outboundTopic(channel), partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    }
    await admin.disconnect();
    connectors = await startApp('connectors', {
      env: {
        CONNECTOR_CONSUMER_GROUP: groupId,
        CONNECTOR_RECEIPT_SWEEP_INTERVAL_MS: '2000',
        FILE_GRPC_URL: `127.0.0.1:${files.grpcPort}`,
        HTTP_PORT: String(connectorsPort),
        ...channelEnv,
        CONNECTOR_RETRY_BASE_MS: '100',
        CONNECTOR_RETRY_MAX_MS: '1000',
        CONNECTOR_BREAKER_MIN_REQUESTS: '3',
        CONNECTOR_BREAKER_OPEN_MS: '1000',
      },
    });
    apps.push(connectors);
    agent = await login(agentUser);
    colleague = await login(newUser());
  }, 120_000);

  afterAll(async () => {
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    for (const a of apps) writeFileSync(join(REPO_ROOT, `.stack/logs/tests/connectors-${a.name}-${a.httpPort}.log`), a.output());
    // SIGTERM: the worker and connectors leave their consumer groups, so the next test's instances get the partitions at once.
    await Promise.all(apps.map((a) => a.stop('SIGTERM')));
    await Promise.all([...simulators.values()].map((s) => s.stop()));
  }, 60_000);

  it('a file message reaches a WhatsApp contact as a document the platform downloads', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000)]);
    const upload = async (method: string, path: string, body: Buffer | object, type: string) =>
      fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${agent.token}`, 'content-type': type }, body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) });
    const init = (await (await upload('POST', '/v1/files/initiate', { filename: 'quote.pdf', size_bytes: bytes.length, mime_type: 'application/pdf' }, 'application/json')).json()) as { upload_id: string };
    expect((await upload('PATCH', `/v1/files/upload/${init.upload_id}/1`, bytes, 'application/octet-stream')).status).toBe(200);
    expect((await upload('POST', '/v1/files/complete', { upload_id: init.upload_id }, 'application/json')).status).toBe(202);
    await waitFor(async () => ((await call<{ status: string }>(agent, 'GET', `/v1/files/upload/${init.upload_id}/status`)).body.status === 'COMPLETED' ? true : undefined), {
      timeoutMs: 20_000,
      description: 'file COMPLETED',
    });
    const to = contact();
    const conversationId = await externalConversation('whatsapp', to);
    const sent = await call(agent, 'POST', '/v1/messages', { message_id: randomUUID(), conversation_id: conversationId, payload: { type: 'file', file_id: init.upload_id } });
    expect(sent.status).toBe(202);
    const whatsapp = simulators.get('whatsapp')!;
    const arrived = await waitFor(() => whatsapp.accepted.find((a) => a.recipient === to), { timeoutMs: 30_000, description: 'document sent to WhatsApp' });
    await whatsapp.webhooksSettled();
    expect(arrived.media).toMatchObject({ kind: 'document', filename: 'quote.pdf', link: expect.stringMatching(/^http/), download: { ok: true, sha256: createHash('sha256').update(bytes).digest('hex') } });
  }, 60_000);

  describe.each(EXTERNAL_CHANNELS.map((c) => [c]))('%s', (channel) => {
    const simulator = () => simulators.get(channel)!;

    it('sends in seq order; receipts, duplicated, out of order and ahead of the send\'s answer, only move the status forward', async () => {
      const to = contact();
      const conversationId = await externalConversation(channel, to);
      // Every first receipt reaches us before the provider has answered the send: before we know
      // which of our messages its provider id stands for.
      simulator().setReceiptsBeforeAnswer(1);
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) ids.push(await send(conversationId, `${channel} message ${i}`));
      const expected = finalStatus(channel);
      const views = await waitFor(
        async () => {
          const all = await Promise.all(ids.map(message));
          return all.every((v) => v.status === expected) && all;
        },
        { timeoutMs: 60_000, description: `all 5 ${channel} messages ${expected}` },
      ).finally(() => simulator().setReceiptsBeforeAnswer(0));
      if (channel === 'whatsapp' || channel === 'messenger') {
        // Their first receipt names the message (WhatsApp's "sent", Messenger's delivery; Instagram's
        // is the echo, which carries no status): parked until the send was recorded, then applied.
        expect(await metric('connectors_receipts_parked_total', `channel="${channel}"`)).toBeGreaterThanOrEqual(5);
        expect(await metric('connectors_receipts_released_total', `channel="${channel}"`)).toBeGreaterThanOrEqual(5);
      }
      if (channel !== 'telegram') {
        // The simulator did duplicate and reorder receipts (duplicateRate 0.7, reorderRate 0.5).
        await simulator().webhooksSettled();
        const receipts = simulator().webhookDeliveries.filter((d) => d.body.includes(to));
        expect(receipts.length).toBeGreaterThan(new Set(receipts.map((d) => d.body)).size);
      }
      const arrived = simulator().accepted.filter((a) => a.recipient === to);
      expect(arrived.map((a) => a.text)).toEqual([1, 2, 3, 4, 5].map((i) => `${channel} message ${i}`));
      for (const v of views) {
        // Each status once, in forward order: a late or repeated receipt never moved it back.
        const steps = v.status_history.map((h) => PROGRESS[h.status]);
        expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b));
        expect(v.status_history.at(-1)?.status).toBe(expected);
      }
    }, 90_000);

    it('a message whose every receipt overtakes the send\'s answer still reaches its final status', async () => {
      // The last message of a thread: no later receipt (a watermark) will cover it, so the ones
      // that came before its send was recorded must be applied when it is.
      const to = contact();
      const conversationId = await externalConversation(channel, to);
      simulator().setReceiptsBeforeAnswer(1, 10);
      try {
        const id = await send(conversationId, `${channel} ahead of its answer`);
        const expected = finalStatus(channel);
        await waitFor(async () => (await message(id)).status === expected, { timeoutMs: 30_000, description: `the ${channel} message ${expected}` });
      } finally {
        simulator().setReceiptsBeforeAnswer(0);
      }
    }, 60_000);

    it('one inbound webhook delivered three times makes one message; a bad signature is 401', async () => {
      const from = contact();
      await simulator().emitInboundMessage({ from, text: `hello from ${channel}` });
      const delivery = simulator().webhookDeliveries.find((d) => d.body.includes(from) && d.body.includes(`hello from ${channel}`));
      expect(delivery?.status).toBe(200);
      const secret = simulator().connectorConfig().webhookSecret;
      const duplicatesBefore = await workerMetric('message_worker_inbound_messages_total', `channel="${channel}",outcome="duplicate"`);
      for (let i = 0; i < 2; i++) expect((await postWebhook(channel, delivery!.body, secret)).status).toBe(200);

      const conversation = await waitFor(
        async () => {
          const list = await call<{ conversations: { id: string; external_contact: string }[] }>(agent, 'GET', '/v1/conversations?limit=100');
          return list.body.conversations.find((c) => c.external_contact === from);
        },
        { timeoutMs: 20_000, description: `conversation for ${channel} contact ${from}` },
      );
      // The two redeliveries went through the whole pipeline (Kafka, worker, gateway) and were recognised.
      await waitFor(async () => (await workerMetric('message_worker_inbound_messages_total', `channel="${channel}",outcome="duplicate"`)) >= duplicatesBefore + 2, {
        timeoutMs: 20_000,
        description: 'both redeliveries seen as duplicates',
      });
      const timeline = await call<{ messages: { origin: string; payload: { text: string } }[] }>(agent, 'GET', `/v1/conversations/${conversation.id}/messages`);
      expect(timeline.body.messages.map((m) => [m.origin, m.payload.text])).toEqual([['contact', `hello from ${channel}`]]);

      const forged = await postWebhook(channel, delivery!.body, 'not-the-secret');
      expect(forged.status).toBe(401);
      expect(forged.headers.get('content-type')).toContain('application/problem+json');
      expect(((await forged.json()) as { type: string }).type).toContain('invalid-webhook-signature');
    });

    it("answers the platform's webhook subscription handshake (Meta), or 404 where there is none (Telegram)", async () => {
      const handshake = (token: string) =>
        fetch(`${connectors.url}/webhooks/${channel}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' }).toString()}`);
      if (channel === 'telegram') {
        expect((await handshake('verify-telegram')).status).toBe(404);
        return;
      }
      const ok = await handshake(`verify-${channel}`);
      expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
      expect((await handshake('wrong')).status).toBe(403);
    });

    it('a provider outage opens the breaker; messages wait, others flow, then each is delivered once after it closes', async () => {
      const to = contact();
      const conversationId = await externalConversation(channel, to);
      simulator().setOutage(true);
      try {
        const ids: string[] = [];
        for (let i = 1; i <= 4; i++) ids.push(await send(conversationId, `during outage ${i}`));
        await waitFor(async () => (await metric('connectors_circuit_state', `channel="${channel}"`)) === 2, { timeoutMs: 30_000, description: `${channel} breaker open` });
        expect((await Promise.all(ids.map(message))).map((v) => v.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'ACCEPTED', 'ACCEPTED']);
        // One platform down does not hold up the others.
        const other = EXTERNAL_CHANNELS.find((c) => c !== channel)!;
        const elsewhere = contact();
        await send(await externalConversation(other, elsewhere), 'meanwhile');
        await waitFor(() => simulators.get(other)!.accepted.some((a) => a.recipient === elsewhere), { timeoutMs: 15_000, description: `${other} message sent during the ${channel} outage` });
        simulator().setOutage(false);
        await waitFor(async () => (await Promise.all(ids.map(message))).every((v) => PROGRESS[v.status] >= PROGRESS.SENT), {
          timeoutMs: 30_000,
          description: `${channel} messages sent after the outage`,
        });
        expect(await metric('connectors_circuit_state', `channel="${channel}"`)).toBe(0);
        expect(simulator().accepted.filter((a) => a.recipient === to).map((a) => a.text)).toEqual([1, 2, 3, 4].map((i) => `during outage ${i}`));
      } finally {
        simulator().setOutage(false); // whatever happened, the tests after this one need the platform
      }
    });

    it('a permanent error leaves the message FAILED with its reason', async () => {
      const conversationId = await externalConversation(channel, 'invalid-recipient-1');
      const id = await send(conversationId, 'to nobody');
      const view = await waitFor(async () => {
        const v = await message(id);
        return v.status === 'FAILED' && v;
      }, { timeoutMs: 20_000, description: `${channel} message FAILED` });
      expect(view.failure_reason).toMatch(/^[a-z-]+: .+/);
      expect(view.status_history.map((h) => h.status)).toEqual(['ACCEPTED', 'FAILED']);
    });
  });

  it("expands a Messenger read watermark from the shared record of sends: every message sent to the person before it, once", async () => {
    // No receipts come from the simulator for an undeliverable person: the watermark below is the only one.
    const to = `undeliverable-${contact()}`;
    const conversationId = await externalConversation('messenger', to);
    const ids = [await send(conversationId, 'first'), await send(conversationId, 'second')];
    await waitFor(async () => (await Promise.all(ids.map(message))).every((v) => v.status === 'SENT'), { timeoutMs: 30_000, description: 'both messages SENT' });
    const secret = simulators.get('messenger')!.connectorConfig().webhookSecret;
    const watermark = Date.now();
    const read = JSON.stringify({ object: 'page', entry: [{ id: '1', time: watermark, messaging: [{ sender: { id: to }, recipient: { id: '1' }, timestamp: watermark + 5, read: { watermark } }] }] });
    expect((await postWebhook('messenger', read, secret)).status).toBe(200);
    await waitFor(async () => (await Promise.all(ids.map(message))).every((v) => v.status === 'READ'), { timeoutMs: 20_000, description: 'both messages READ' });
    // The same watermark again (platforms redeliver) publishes nothing: the worker sees no status event.
    await Promise.all([...simulators.values()].map((sim) => sim.webhooksSettled()));
    const statusEvents = async () =>
      (await workerMetric('message_worker_events_total', 'topic="messages.status",outcome="processed"')) + (await workerMetric('message_worker_events_total', 'topic="messages.status",outcome="duplicate"'));
    const before = await statusEvents();
    expect((await postWebhook('messenger', read, secret)).status).toBe(200);
    await sleep(1_500);
    expect(await statusEvents()).toBe(before);
  });

  it('keeps a receipt for a send it has no record of for CONNECTOR_EARLY_RECEIPT_RETENTION_HOURS (24), then drops and counts it', async () => {
    const db = await createDataSource(stackEnv().database, { schema: 'connectors', applicationName: 'test', entities: [], migrations: [] }).initialize();
    try {
      const [kept, dropped] = [`wamid.kept-${randomUUID()}`, `wamid.dropped-${randomUUID()}`];
      const expiredBefore = await metric('connectors_receipts_expired_total', 'channel="whatsapp"');
      await db.query(
        `INSERT INTO connectors.early_receipts (channel, provider_message_id, status, occurred_at, received_at)
         VALUES ('whatsapp', $1, 'DELIVERED', now(), now() - interval '23 hours 59 minutes'), ('whatsapp', $2, 'DELIVERED', now(), now() - interval '24 hours 1 minute')`,
        [kept, dropped],
      );
      // The sweep runs every CONNECTOR_RECEIPT_SWEEP_INTERVAL_MS (2 s here).
      await waitFor(async () => (await metric('connectors_receipts_expired_total', 'channel="whatsapp"')) === expiredBefore + 1, { timeoutMs: 10_000, description: 'one receipt expired' });
      const left = await db.query<{ provider_message_id: string }[]>(`SELECT provider_message_id FROM connectors.early_receipts WHERE provider_message_id = ANY($1)`, [[kept, dropped]]);
      expect(left.map((r) => r.provider_message_id)).toEqual([kept]);
      await db.query(`DELETE FROM connectors.early_receipts WHERE provider_message_id = $1`, [kept]);
    } finally {
      await db.destroy();
    }
  });
});
