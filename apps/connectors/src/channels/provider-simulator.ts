import type { ExternalChannel } from '@chat4all/contracts';
import { fastify, type FastifyInstance, type FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ChannelCapabilities, ChannelConnectorConfig } from './channel-connector';
import type { AcceptedMessage, ChannelSimulator, LatencyDistribution, RateLimitOption, SentMedia, SimulatorOptions, WebhookDelivery } from './channel-simulator';
import { downloadMedia, type MediaDownload } from './media-fetch';
import { seededRandom, waitFor, type Random } from './simulated-time';
import { WebhookDispatcher, type WebhookFormat } from './webhook-dispatcher';

/** What the platform decided about a send, before its channel-specific answer is written. */
export type SendVerdict =
  | { kind: 'accept' }
  | { kind: 'throttled'; scope: 'account' | 'recipient'; retryAfterSeconds: number }
  | { kind: 'server-error' }
  | { kind: 'invalid-recipient' };

const DEFAULT_LATENCY: LatencyDistribution = { kind: 'lognormal', medianMs: 120, sigma: 0.6, maxMs: 3_000 };
const DEFAULT_MEDIA_FETCH_TIMEOUT_MS = 10_000;

const limiter = (option: RateLimitOption | false | undefined, prefix: string): RateLimiterMemory | undefined =>
  option ? new RateLimiterMemory({ keyPrefix: prefix, points: option.points, duration: option.durationSeconds }) : undefined;

/** Milliseconds until the key may try again, or undefined when the point was granted. */
async function overLimit(rateLimiter: RateLimiterMemory | undefined, key: string): Promise<number | undefined> {
  if (!rateLimiter) return undefined;
  try {
    await rateLimiter.consume(key);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext;
    throw rejection;
  }
}

// The part every simulated platform shares: an HTTP server on loopback, latency, outage, transient
// failures, rate limits, the log of accepted messages and the webhook dispatcher. Each channel adds
// its routes and writes its platform's answers.
export abstract class ProviderSimulator implements ChannelSimulator {
  abstract readonly channel: ExternalChannel;
  readonly accepted: AcceptedMessage[] = [];
  protected readonly app: FastifyInstance = fastify({ logger: false });
  protected readonly random: Random;
  protected readonly accessToken: string;
  protected readonly accountId: string;
  protected readonly webhookSecret: string;
  private dispatcher?: WebhookDispatcher;
  private address?: string;
  private outage = false;
  private receiptsBeforeAnswer: number;
  private receiptsAhead = 1;
  private stopped = false;
  private requests = 0;
  /** Work the platform does after answering (WhatsApp fetching media), awaited by settle and stop. */
  private readonly pending = new Set<Promise<void>>();
  private readonly accountLimiter?: RateLimiterMemory;
  private readonly recipientLimiter?: RateLimiterMemory;

  protected constructor(
    protected readonly options: SimulatorOptions,
    capabilities: ChannelCapabilities,
    defaultAccountId: string,
  ) {
    this.random = seededRandom(options.seed ?? randomBytes(4).readUInt32BE());
    this.accessToken = options.accessToken ?? randomBytes(24).toString('base64url');
    this.accountId = options.accountId ?? defaultAccountId;
    this.webhookSecret = options.webhookSecret ?? randomBytes(16).toString('hex');
    this.receiptsBeforeAnswer = options.webhook?.receiptsBeforeAnswer ?? 0;
    const accountLimit = options.rateLimit ?? { points: capabilities.rateLimit.burst, durationSeconds: 1 };
    this.accountLimiter = limiter(accountLimit, 'account');
    this.recipientLimiter = limiter(options.recipientRateLimit, 'recipient');
  }

  /** The platform's routes; registered on start, when the subclass is fully built. */
  protected abstract registerRoutes(app: FastifyInstance): void;
  protected abstract webhookFormat(): WebhookFormat;
  /** The platform's answer during an outage (503). */
  protected abstract outageReply(reply: FastifyReply): FastifyReply;
  /** The platform's answer to a path it does not serve, or a body it cannot read. */
  protected abstract malformedReply(reply: FastifyReply, status: number, message: string): FastifyReply;
  abstract emitInboundMessage(input: { from: string; text: string }): Promise<{ providerMessageId: string }>;

  get requestCount(): number {
    return this.requests;
  }

  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.dispatcher?.deliveries ?? [];
  }

  protected get baseUrl(): string {
    if (!this.address) throw new Error(`${this.channel} simulator is not started`);
    return this.address;
  }

  async start(): Promise<string> {
    if (this.options.webhook) this.dispatcher = new WebhookDispatcher(this.options.webhook, this.webhookFormat(), this.random);
    this.app.addHook('onRequest', async (_request, reply) => {
      this.requests++;
      if (this.outage) return this.outageReply(reply);
    });
    this.app.setNotFoundHandler((request, reply) => this.malformedReply(reply, 404, `Unknown path components: ${request.url.split('?')[0]}`));
    this.app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) =>
      this.malformedReply(reply, error.statusCode && error.statusCode < 500 ? error.statusCode : 500, error.message),
    );
    this.registerRoutes(this.app);
    await this.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = this.app.server.address() as AddressInfo;
    this.address = `http://127.0.0.1:${port}`;
    return this.address;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.pending]);
    await this.dispatcher?.close();
    await this.app.close();
  }

  connectorConfig(overrides: Partial<ChannelConnectorConfig> = {}): ChannelConnectorConfig {
    return { baseUrl: this.baseUrl, accessToken: this.accessToken, webhookSecret: this.webhookSecret, accountId: this.accountId, timeoutMs: 5_000, ...overrides };
  }

  setOutage(on: boolean): void {
    this.outage = on;
  }

  setReceiptsBeforeAnswer(probability: number, count = 1): void {
    this.receiptsBeforeAnswer = probability;
    this.receiptsAhead = count;
  }

  async webhooksSettled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.dispatcher?.settled();
  }

  /** Runs work the platform does after its answer; it never fails the request that started it. */
  protected afterAnswer(work: () => Promise<void>): void {
    // The work reports its own outcome (a webhook); an error here must not become an unhandled rejection.
    const task: Promise<void> = work()
      .catch(() => undefined)
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** The platform's fetcher: GET the link, at most `maxBytes` of it, within the fetch timeout. */
  protected fetchMedia(link: string, maxBytes: number): Promise<MediaDownload> {
    return downloadMedia(link, { maxBytes, timeoutMs: this.options.mediaFetchTimeoutMs ?? DEFAULT_MEDIA_FETCH_TIMEOUT_MS });
  }

  /** Latency, then the checks a platform makes before taking a message, in its order. */
  protected async judge(recipient: string): Promise<SendVerdict> {
    await waitFor(this.options.latency ?? DEFAULT_LATENCY, this.random);
    const accountWait = await overLimit(this.accountLimiter, 'account');
    if (accountWait !== undefined) return { kind: 'throttled', scope: 'account', retryAfterSeconds: Math.max(1, Math.ceil(accountWait / 1000)) };
    const recipientWait = await overLimit(this.recipientLimiter, recipient);
    if (recipientWait !== undefined) return { kind: 'throttled', scope: 'recipient', retryAfterSeconds: Math.max(1, Math.ceil(recipientWait / 1000)) };
    if (this.random() < (this.options.transientFailureRate ?? 0)) {
      const throttle = this.random() < (this.options.throttleShare ?? 0.5);
      return throttle ? { kind: 'throttled', scope: 'account', retryAfterSeconds: this.options.retryAfterSeconds ?? 1 } : { kind: 'server-error' };
    }
    const invalid = this.options.isInvalidRecipient ?? ((r: string) => r.startsWith('invalid'));
    return invalid(recipient) ? { kind: 'invalid-recipient' } : { kind: 'accept' };
  }

  protected isUndeliverable(recipient: string): boolean {
    return (this.options.isUndeliverableRecipient ?? ((r: string) => r.startsWith('undeliverable')))(recipient);
  }

  protected accept(providerMessageId: string, recipient: string, text: string, media?: SentMedia): AcceptedMessage {
    const message: AcceptedMessage = { providerMessageId, recipient, text, ...(media ? { media } : {}), acceptedAt: new Date() };
    this.accepted.push(message);
    return message;
  }

  /**
   * Schedules a message's receipts. A platform's webhook and its API answer race: with probability
   * `receiptsBeforeAnswer` the first receipt (or the first `count` set by setReceiptsBeforeAnswer)
   * is delivered before the send is answered.
   */
  protected async scheduleReceipts(payloads: unknown[]): Promise<void> {
    const ahead = this.receiptsBeforeAnswer > 0 && this.random() < this.receiptsBeforeAnswer;
    await this.dispatcher?.scheduleReceipts(payloads, ahead ? this.receiptsAhead : 0);
  }

  protected async deliverNow(payload: unknown): Promise<void> {
    if (!this.dispatcher) throw new Error(`${this.channel} simulator has no webhook target configured`);
    await this.dispatcher.deliver(payload);
  }
}
