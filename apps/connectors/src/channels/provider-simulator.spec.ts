import { telegramMessageId } from './telegram/telegram.connector';
import { TelegramSimulator } from './telegram/telegram.simulator';
import { WhatsAppSimulator } from './whatsapp/whatsapp.simulator';
import { MessengerSimulator } from './messenger/messenger.simulator';
import { pollUntil, WebhookSink } from './webhook-sink.test-kit';

// The simulators' own fidelity, where the connectors' checks would hide it: what they answer to a
// client that does not check, and how they deliver webhooks.
describe('provider simulators', () => {
  const sink = new WebhookSink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());
  const running: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    sink.received.splice(0);
    sink.answer = 200;
  });
  const start = async <S extends { start(): Promise<string>; stop(): Promise<void> }>(simulator: S): Promise<S> => {
    running.push(simulator);
    await simulator.start();
    return simulator;
  };

  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('WhatsApp refuses text over 4096 characters with (#100) Invalid parameter', async () => {
    const simulator = await start(new WhatsAppSimulator({ latency: { kind: 'fixed', ms: 0 } }));
    const { baseUrl, accessToken, accountId } = simulator.connectorConfig();
    const body = { messaging_product: 'whatsapp', to: '15551234567', type: 'text', text: { body: 'a'.repeat(4097) } };
    const answer = await post(`${baseUrl}/v23.0/${accountId}/messages`, body, { authorization: `Bearer ${accessToken}` });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 100, error_data: { messaging_product: 'whatsapp' } } } });
    expect((await post(`${baseUrl}/v23.0/${accountId}/messages`, body)).status).toBe(401);
    expect(simulator.accepted).toHaveLength(0);
  });

  it('Messenger answers an unknown path and a broken body in the Graph error shape', async () => {
    const simulator = await start(new MessengerSimulator({ latency: { kind: 'fixed', ms: 0 } }));
    const { baseUrl, accessToken } = simulator.connectorConfig();
    expect(await post(`${baseUrl}/v23.0/me/nothing`, {})).toMatchObject({ status: 400, body: { error: { code: 2500 } } });
    const broken = await post(`${baseUrl}/v23.0/me/messages?access_token=${accessToken}`, { recipient: {} });
    expect(broken).toMatchObject({ status: 400, body: { error: { code: 100, type: 'OAuthException' } } });
  });

  it('Telegram answers errors as { ok: false, error_code, description }', async () => {
    const simulator = await start(new TelegramSimulator({ latency: { kind: 'fixed', ms: 0 } }));
    const { baseUrl, accessToken } = simulator.connectorConfig();
    expect(await post(`${baseUrl}/bot${accessToken}/sendMessage`, { chat_id: 42, text: 'a'.repeat(4097) })).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: message is too long' },
    });
    expect(await post(`${baseUrl}/bot${accessToken}/sendMessage`, { chat_id: 42 })).toMatchObject({ body: { description: 'Bad Request: message text is empty' } });
    expect(await post(`${baseUrl}/bot${accessToken}/SENDMESSAGE`, { chat_id: 'blocked', text: 'x' })).toMatchObject({ body: { description: 'Bad Request: chat not found' } });
    expect(await post(`${baseUrl}/bot${accessToken}/getMe`, {})).toMatchObject({ status: 404 });
    expect(await post(`${baseUrl}/botnope/sendMessage`, {})).toMatchObject({ status: 401, body: { description: 'Unauthorized' } });
  });

  it('numbers a Telegram chat’s messages on both sides in one sequence', async () => {
    const simulator = await start(new TelegramSimulator({ latency: { kind: 'fixed', ms: 0 }, webhook: { url: sink.url } }));
    const { baseUrl, accessToken } = simulator.connectorConfig();
    const inbound = await simulator.emitInboundMessage({ from: '42', text: 'hello' });
    const sent = await post(`${baseUrl}/bot${accessToken}/sendMessage`, { chat_id: 42, text: 'hi' });
    expect(inbound.providerMessageId).toBe(telegramMessageId(42, 1));
    expect(sent.body).toMatchObject({ ok: true, result: { message_id: 2, chat: { id: 42 } } });
  });

  it('retries a webhook the target does not accept, as the platforms do', async () => {
    sink.answer = 500;
    const simulator = await start(new WhatsAppSimulator({ latency: { kind: 'fixed', ms: 0 }, webhook: { url: sink.url, maxAttempts: 3, retryDelayMs: 1 } }));
    await simulator.emitInboundMessage({ from: '15551234567', text: 'hello' });
    expect(simulator.webhookDeliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    expect(new Set(sink.received.map((w) => w.rawBody.toString())).size).toBe(1);
  });

  it('posts receipts after a send, sent then delivered then read', async () => {
    const simulator = await start(new WhatsAppSimulator({ latency: { kind: 'fixed', ms: 0 }, webhook: { url: sink.url, receiptDelay: { kind: 'uniform', minMs: 0, maxMs: 3 } } }));
    const { baseUrl, accessToken, accountId } = simulator.connectorConfig();
    await post(`${baseUrl}/v23.0/${accountId}/messages`, { messaging_product: 'whatsapp', to: '1555', type: 'text', text: { body: 'hi' } }, { authorization: `Bearer ${accessToken}` });
    await pollUntil(() => sink.received.length === 3, 'three receipts');
    const statuses = sink.received.map((w) => /"status":"(\w+)"/.exec(w.rawBody.toString())?.[1]);
    expect(statuses).toEqual(['sent', 'delivered', 'read']);
  });

  it('stops without waiting for receipts not yet due', async () => {
    const simulator = await start(new WhatsAppSimulator({ latency: { kind: 'fixed', ms: 0 }, webhook: { url: sink.url, receiptDelay: { kind: 'fixed', ms: 60_000 } } }));
    const { baseUrl, accessToken, accountId } = simulator.connectorConfig();
    await post(`${baseUrl}/v23.0/${accountId}/messages`, { messaging_product: 'whatsapp', to: '1555', type: 'text', text: { body: 'hi' } }, { authorization: `Bearer ${accessToken}` });
    const started = Date.now();
    await simulator.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sink.received).toHaveLength(0);
  });
});
