import type { ExternalChannel } from '@chat4all/contracts';
import type { ChannelConnectorConfig, MediaKind } from './channel-connector';
import type { MediaDownload } from './media-fetch';

/** How long something takes, in milliseconds. */
export type LatencyDistribution =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Long-tailed like real API latencies: `medianMs * e^(sigma * N(0,1))`, capped at `maxMs`. */
  | { kind: 'lognormal'; medianMs: number; sigma: number; maxMs?: number };

export interface RateLimitOption {
  points: number;
  durationSeconds: number;
}

export interface SimulatorWebhookOptions {
  /** Where the simulated platform POSTs its webhooks (receipts and inbound messages). */
  url: string;
  /** Delay before each receipt, counted from the previous one. */
  receiptDelay?: LatencyDistribution;
  /** Probability that a receipt is delivered twice. */
  duplicateRate?: number;
  /** Probability that a message's receipts are delivered in reverse order. */
  reorderRate?: number;
  /**
   * Probability that a message's first receipt (in the platform's order, never reordered) is
   * delivered before the send is answered: the platforms do not order their webhooks after their
   * API answers. Default 0.
   */
  receiptsBeforeAnswer?: number;
  /** Delivery attempts per webhook when the target does not answer 2xx (platforms retry). */
  maxAttempts?: number;
  retryDelayMs?: number;
}

export interface SimulatorOptions {
  /** Time the API takes to answer a send. */
  latency?: LatencyDistribution;
  /** Probability that a send fails with a transient error (a server error or a throttle). */
  transientFailureRate?: number;
  /** Share of the transient failures answered as throttling rather than as a server error. */
  throttleShare?: number;
  /** What a simulated throttle asks the client to wait, where the platform says it. */
  retryAfterSeconds?: number;
  /** Throughput limit of the business account; `false` for none. Default: the capabilities. */
  rateLimit?: RateLimitOption | false;
  /** Limit on messages to one recipient (WhatsApp pair rate limit, Telegram per chat). Default: none. */
  recipientRateLimit?: RateLimitOption | false;
  /** Recipients the platform refuses at once. Default: ids starting with `invalid`. */
  isInvalidRecipient?: (recipient: string) => boolean;
  /** Recipients accepted but never reached (a FAILED receipt, where the platform sends one). */
  isUndeliverableRecipient?: (recipient: string) => boolean;
  accessToken?: string;
  accountId?: string;
  /** Meta: the app secret; Telegram: the secret_token given to setWebhook. */
  webhookSecret?: string;
  webhook?: SimulatorWebhookOptions;
  /** How long the platform's fetcher waits for a media link's bytes. Default 10 s, as Meta's does. */
  mediaFetchTimeoutMs?: number;
  /** Seed for every random choice, so a failing run can be replayed. */
  seed?: number;
}

/** A file message as the platform took it: how it shows it, where it fetched it from. */
export interface SentMedia {
  kind: MediaKind;
  link: string;
  /** WhatsApp documents only: the name the recipient sees. */
  filename?: string;
  /**
   * What the platform fetched from the link. WhatsApp accepts the send first and fetches after, so
   * its media have no download until then (and a failed one ends in a failed status webhook).
   */
  download?: MediaDownload;
}

export interface AcceptedMessage {
  providerMessageId: string;
  recipient: string;
  /** The text; for a file message, its caption (empty without one). */
  text: string;
  media?: SentMedia;
  acceptedAt: Date;
}

export interface WebhookDelivery {
  body: string;
  status: number | 'error';
  attempt: number;
}

export interface ChannelSimulator {
  readonly channel: ExternalChannel;
  /** Listens on 127.0.0.1, on a free port; resolves to the base URL. */
  start(): Promise<string>;
  /** Stops accepting requests and waits for webhooks under way. */
  stop(): Promise<void>;
  /** A connector config that this simulator accepts. */
  connectorConfig(overrides?: Partial<ChannelConnectorConfig>): ChannelConnectorConfig;
  /** While on, every request is answered 503. */
  setOutage(on: boolean): void;
  /** Changes SimulatorWebhookOptions.receiptsBeforeAnswer; `count`: how many of a message's receipts overtake the answer (default 1). */
  setReceiptsBeforeAnswer(probability: number, count?: number): void;
  /** Messages the platform accepted, in arrival order. */
  readonly accepted: readonly AcceptedMessage[];
  /** Every API request received, accepted or not. */
  readonly requestCount: number;
  readonly webhookDeliveries: readonly WebhookDelivery[];
  /** A contact writes to the business: POSTs the platform's inbound webhook and waits for the answer. */
  emitInboundMessage(input: { from: string; text: string }): Promise<{ providerMessageId: string }>;
  /** Resolves once every webhook scheduled so far was delivered (or given up). */
  webhooksSettled(): Promise<void>;
}
