import type { ExternalChannel } from '@chat4all/contracts';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebhookPayloadError, type ChannelConnector, type InboundEvent, type SendResult, type ThreadPoint } from './channel-connector';
import type { ChannelModule } from './channel-module';
import type { ChannelSimulator, SimulatorOptions } from './channel-simulator';
import { runMediaConformance } from './media.conformance.test-kit';
import { MediaServer } from './media-server.test-kit';
import { newContact, outboundMessage } from './outbound-message.test-kit';
import { pollUntil, WebhookSink, type ReceivedWebhook } from './webhook-sink.test-kit';

export { newContact, outboundMessage } from './outbound-message.test-kit';

/**
 * Parses each webhook once, in arrival order, and resolves thread receipts (watermarks) against the
 * sends made through it, as the connectors app does against its record of sends.
 */
class ParsedWebhooks {
  readonly events: InboundEvent[] = [];
  private readonly sends: { id: string; contact: string; startedAt: Date }[] = [];
  private seen = 0;

  constructor(
    private readonly sink: WebhookSink,
    private readonly connector: ChannelConnector,
  ) {}

  /** Sends a text and returns the provider's message id. */
  async send(channel: ExternalChannel, contact: string, text: string): Promise<string> {
    const startedAt = new Date();
    const id = providerId(await this.connector.send(outboundMessage(channel, contact, { type: 'text', text })));
    this.sends.push({ id, contact, startedAt });
    return id;
  }

  update(): InboundEvent[] {
    for (const webhook of this.sink.received.slice(this.seen)) {
      this.seen++;
      if (!this.connector.verifySignature(webhook.headers, webhook.rawBody)) throw new Error(`unverifiable webhook: ${webhook.rawBody.toString()}`);
      this.events.push(...this.connector.parseWebhook(JSON.parse(webhook.rawBody.toString('utf8'))));
    }
    return this.events;
  }

  statusesOf(providerMessageId: string): Set<string> {
    const sent = this.sends.find((s) => s.id === providerMessageId);
    const covers = (through: ThreadPoint): boolean => {
      if (!sent) return false;
      const upTo = 'sentBy' in through ? through.sentBy : this.sends.find((s) => s.id === through.providerMessageId)?.startedAt;
      return upTo !== undefined && sent.startedAt <= upTo;
    };
    return new Set(
      this.update().flatMap((e) => {
        if (e.kind === 'status' && e.providerMessageId === providerMessageId) return [e.status];
        if (e.kind === 'thread-status' && e.contact === sent?.contact && covers(e.through)) return [e.status];
        return [];
      }),
    );
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function providerId(result: SendResult): string {
  if (!result.ok) throw new Error(`send failed: ${result.code}: ${result.reason}`);
  return result.providerMessageId;
}

/**
 * What every connector must do against its simulated platform. Receipts are checked against the
 * capabilities: a platform that sends none (Telegram) must produce none.
 */
export function runConnectorConformance(module: ChannelModule): void {
  const { channel, capabilities } = module;
  const text = (t: string) => ({ type: 'text' as const, text: t });

  describe(`${channel} connector conformance`, () => {
    const sink = new WebhookSink();
    const files = new MediaServer();
    const running: ChannelSimulator[] = [];

    beforeAll(() => Promise.all([sink.start(), files.start()]));
    afterAll(() => Promise.all([sink.stop(), files.stop()]));
    afterEach(async () => {
      await Promise.all(running.splice(0).map((s) => s.stop()));
      sink.received.splice(0);
      sink.answer = 200;
      files.unavailable = false;
      files.asked.splice(0);
    });

    async function setUp(options: SimulatorOptions = {}, timeoutMs = 2_000) {
      const simulator = module.createSimulator({
        latency: { kind: 'fixed', ms: 0 },
        seed: 7,
        webhook: { url: sink.url, receiptDelay: { kind: 'fixed', ms: 1 }, retryDelayMs: 5 },
        ...options,
      });
      running.push(simulator);
      await simulator.start();
      const connector = module.createConnector(simulator.connectorConfig({ timeoutMs }), files);
      return { simulator, connector, webhooks: new ParsedWebhooks(sink, connector) };
    }

    describe('send', () => {
      it('reaches the platform in order and returns its message ids', async () => {
        const { simulator, connector } = await setUp();
        const contact = newContact();
        const texts = ['one', 'two', 'three', 'four', 'five'];
        const ids: string[] = [];
        for (const t of texts) ids.push(providerId(await connector.send(outboundMessage(channel, contact, text(t)))));
        expect(simulator.accepted.map((m) => m.text)).toEqual(texts);
        expect(simulator.accepted.map((m) => m.recipient)).toEqual(texts.map(() => contact));
        expect(simulator.accepted.map((m) => m.providerMessageId)).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);
      });

      it('reports an invalid recipient as a permanent failure with a reason', async () => {
        const { simulator, connector } = await setUp();
        const result = await connector.send(outboundMessage(channel, 'invalid-recipient-1', text('hello')));
        expect(result).toMatchObject({ ok: false, code: 'invalid-recipient', retryable: false });
        expect(!result.ok && result.reason.length).toBeGreaterThan(0);
        expect(simulator.accepted).toHaveLength(0);
      });

      it('reports the rate limit as retryable, with how long to wait', async () => {
        const { connector } = await setUp({ rateLimit: { points: 1, durationSeconds: 60 } });
        expect((await connector.send(outboundMessage(channel, newContact(), text('first')))).ok).toBe(true);
        const result = await connector.send(outboundMessage(channel, newContact(), text('second')));
        expect(result).toMatchObject({ ok: false, code: 'rate-limited', retryable: true });
        expect(!result.ok && result.retryAfterMs).toBeGreaterThan(0);
      });

      it('reports the per-recipient limit as retryable, while other recipients still get through', async () => {
        const { connector } = await setUp({ recipientRateLimit: { points: 1, durationSeconds: 60 } });
        const contact = newContact();
        expect((await connector.send(outboundMessage(channel, contact, text('first')))).ok).toBe(true);
        const again = await connector.send(outboundMessage(channel, contact, text('second')));
        expect(again).toMatchObject({ ok: false, code: 'rate-limited', retryable: true });
        expect(!again.ok && again.retryAfterMs).toBeGreaterThan(0);
        expect((await connector.send(outboundMessage(channel, newContact(), text('elsewhere')))).ok).toBe(true);
      });

      it('reports rejected credentials as a permanent failure', async () => {
        const { simulator } = await setUp();
        const connector = module.createConnector(simulator.connectorConfig({ accessToken: 'expired-token' }), files);
        const result = await connector.send(outboundMessage(channel, newContact(), text('hello')));
        expect(result).toMatchObject({ ok: false, code: 'unauthorized', retryable: false });
        expect(simulator.accepted).toHaveLength(0);
      });

      it('reports a transient throttle as retryable, with how long to wait', async () => {
        const { connector } = await setUp({ transientFailureRate: 1, throttleShare: 1, retryAfterSeconds: 3 });
        const result = await connector.send(outboundMessage(channel, newContact(), text('hello')));
        expect(result).toMatchObject({ ok: false, code: 'rate-limited', retryable: true });
        expect(!result.ok && result.retryAfterMs).toBeGreaterThan(0);
      });

      it('reports a server error as retryable', async () => {
        const { simulator, connector } = await setUp({ transientFailureRate: 1, throttleShare: 0 });
        const result = await connector.send(outboundMessage(channel, newContact(), text('hello')));
        expect(result).toMatchObject({ ok: false, code: 'provider-unavailable', retryable: true });
        expect(simulator.accepted).toHaveLength(0);
      });

      it('reports an outage as retryable, and sends again once it is over', async () => {
        const { simulator, connector } = await setUp();
        simulator.setOutage(true);
        const during = await connector.send(outboundMessage(channel, newContact(), text('during')));
        expect(during).toMatchObject({ ok: false, code: 'provider-unavailable', retryable: true });
        simulator.setOutage(false);
        expect((await connector.send(outboundMessage(channel, newContact(), text('after')))).ok).toBe(true);
        expect(simulator.accepted.map((m) => m.text)).toEqual(['after']);
      });

      it('reports a timeout as retryable', async () => {
        const { connector } = await setUp({ latency: { kind: 'fixed', ms: 300 } }, 50);
        const result = await connector.send(outboundMessage(channel, newContact(), text('slow')));
        expect(result).toMatchObject({ ok: false, code: 'timeout', retryable: true });
      });

      it('reports an unreachable platform as retryable', async () => {
        const { simulator } = await setUp();
        const connector = module.createConnector(simulator.connectorConfig({ baseUrl: `http://127.0.0.1:${await closedPort()}` }), files);
        const result = await connector.send(outboundMessage(channel, newContact(), text('hello')));
        expect(result).toMatchObject({ ok: false, code: 'network', retryable: true });
      });

      it('sends a text of exactly the longest length allowed', async () => {
        const { simulator, connector } = await setUp();
        const longest = 'a'.repeat(capabilities.maxTextLength);
        expect((await connector.send(outboundMessage(channel, newContact(), text(longest)))).ok).toBe(true);
        expect(simulator.accepted[0]?.text).toBe(longest);
      });

      it('refuses a longer text as permanent, without calling the platform', async () => {
        const { simulator, connector } = await setUp();
        const tooLong = 'a'.repeat(capabilities.maxTextLength + 1);
        const result = await connector.send(outboundMessage(channel, newContact(), text(tooLong)));
        expect(result).toMatchObject({ ok: false, code: 'text-too-long', retryable: false });
        const multibyte = capabilities.maxTextBytes === undefined ? undefined : 'é'.repeat(Math.floor(capabilities.maxTextBytes / 2) + 1);
        if (multibyte !== undefined) {
          // Fewer characters than the limit, more bytes: the platform counts bytes.
          expect(await connector.send(outboundMessage(channel, newContact(), text(multibyte)))).toMatchObject({ ok: false, code: 'text-too-long' });
        }
        expect(simulator.requestCount).toBe(0);
      });
    });

    runMediaConformance({ module, files, setUp });

    describe('webhooks', () => {
      async function inboundWebhook(simulator: ChannelSimulator, from: string, body: string): Promise<{ webhook: ReceivedWebhook; providerMessageId: string }> {
        const before = sink.received.length;
        const { providerMessageId } = await simulator.emitInboundMessage({ from, text: body });
        const webhook = await pollUntil(() => sink.received[before], 'the inbound webhook');
        return { webhook, providerMessageId };
      }

      it('parses an inbound message, whose signature verifies', async () => {
        const { simulator, connector } = await setUp();
        const from = newContact();
        // Non-ASCII and a slash: Meta escapes both in the bytes it signs.
        const body = 'olá 👋 — 1/2';
        const { webhook, providerMessageId } = await inboundWebhook(simulator, from, body);
        expect(connector.verifySignature(webhook.headers, webhook.rawBody)).toBe(true);
        const events = connector.parseWebhook(JSON.parse(webhook.rawBody.toString('utf8')));
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ kind: 'message', providerMessageId, from, text: body });
        expect(Math.abs(events[0].at.getTime() - Date.now())).toBeLessThan(60_000);
      });

      it('rejects a webhook with a wrong secret or without its authentication header', async () => {
        const { simulator } = await setUp();
        const { webhook } = await inboundWebhook(simulator, newContact(), 'hello');
        const impostor = module.createConnector(simulator.connectorConfig({ webhookSecret: 'not-the-secret' }), files);
        expect(impostor.verifySignature(webhook.headers, webhook.rawBody)).toBe(false);
        const genuine = module.createConnector(simulator.connectorConfig(), files);
        expect(genuine.verifySignature({ 'content-type': 'application/json' }, webhook.rawBody)).toBe(false);
      });

      if (capabilities.webhookAuthentication === 'body-hmac') {
        it('rejects a webhook whose body was changed after signing', async () => {
          const { simulator, connector } = await setUp();
          const { webhook } = await inboundWebhook(simulator, newContact(), 'hello');
          const tampered = Buffer.from(webhook.rawBody.toString('utf8').replace('hello', 'hullo'));
          expect(connector.verifySignature(webhook.headers, tampered)).toBe(false);
        });
      }

      it('throws WebhookPayloadError for a body that is not the platform’s', async () => {
        const { connector } = await setUp();
        for (const foreign of [null, 'text', 42, [], {}, { object: 'unknown', entry: [] }, { update_id: 'x' }]) {
          expect(() => connector.parseWebhook(foreign)).toThrow(WebhookPayloadError);
        }
      });

      const expected = capabilities.receipts.filter((s) => s !== 'FAILED');
      if (expected.length > 0) {
        it(`turns the receipts the platform sends (${expected.join(', ')}) into statuses`, async () => {
          const { webhooks } = await setUp();
          const id = await webhooks.send(channel, newContact(), 'hello');
          const statuses = await pollUntil(() => {
            const got = webhooks.statusesOf(id);
            return expected.every((s) => got.has(s)) && got;
          }, `${expected.join(', ')} for ${id}`);
          expect([...statuses].sort()).toEqual([...expected].sort());
        });

        it('turns duplicated and reordered receipts into the same statuses', async () => {
          const { simulator, webhooks } = await setUp({ webhook: { url: sink.url, receiptDelay: { kind: 'fixed', ms: 1 }, duplicateRate: 1, reorderRate: 1 } });
          const contact = newContact();
          const ids = [await webhooks.send(channel, contact, 'a'), await webhooks.send(channel, contact, 'b')];
          await simulator.webhooksSettled();
          for (const id of ids) expect([...webhooks.statusesOf(id)].sort()).toEqual([...expected].sort());
          expect(webhooks.events.every((e) => e.kind === 'status' || e.kind === 'thread-status')).toBe(true);
        });
      } else {
        it('reports no receipts, as the platform sends none', async () => {
          const { simulator, connector } = await setUp();
          expect((await connector.send(outboundMessage(channel, newContact(), text('hello')))).ok).toBe(true);
          await simulator.webhooksSettled();
          expect(sink.received).toHaveLength(0);
        });
      }

      if (capabilities.receipts.includes('FAILED')) {
        it('reports a message the platform accepted but could not deliver as FAILED, with a reason', async () => {
          const { connector, webhooks } = await setUp();
          const id = providerId(await connector.send(outboundMessage(channel, 'undeliverable-1', text('hello'))));
          const failed = await pollUntil(() => webhooks.update().find((e) => e.kind === 'status' && e.providerMessageId === id && e.status === 'FAILED'), 'FAILED');
          expect(failed.kind === 'status' && failed.reason).toMatch(/\S/);
        });
      }
    });
  });
}
