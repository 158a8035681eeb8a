import {
  bool,
  csvList,
  databaseEnv,
  grpcClientEnv,
  intInRange,
  kafkaEnv,
  parseEnv,
  publicHttpEnv,
  serviceEnv,
  toDatabaseConfig,
  toKafkaConfig,
  toServiceConfig,
  type EnvSource,
} from '@chat4all/config';
import { EXTERNAL_CHANNELS, type ExternalChannel } from '@chat4all/contracts';
import { z } from 'zod';

/** `WHATSAPP_API_URL`, `TELEGRAM_ACCESS_TOKEN`...: one set of variables per channel folder. */
const channelVar = (channel: ExternalChannel, name: 'API_URL' | 'ACCESS_TOKEN' | 'WEBHOOK_SECRET' | 'VERIFY_TOKEN' | 'ACCOUNT_ID' | 'API_VERSION') => `${channel.toUpperCase()}_${name}`;

const channelEnv = Object.fromEntries(
  EXTERNAL_CHANNELS.flatMap((c) => [
    // The provider's API root (https://graph.facebook.com, https://api.telegram.org).
    [channelVar(c, 'API_URL'), z.url().optional()],
    // WhatsApp: system-user token; Messenger, Instagram: Page access token; Telegram: bot token.
    [channelVar(c, 'ACCESS_TOKEN'), z.string().min(1).optional()],
    // Meta: the app secret (X-Hub-Signature-256); Telegram: setWebhook's secret_token.
    [channelVar(c, 'WEBHOOK_SECRET'), z.string().min(1).optional()],
    // Meta: the token you type in the app dashboard; the subscription handshake (GET) must echo it.
    [channelVar(c, 'VERIFY_TOKEN'), z.string().min(1).optional()],
    // WhatsApp: the phone number id; Messenger/Instagram: the Page or account id.
    [channelVar(c, 'ACCOUNT_ID'), z.string().min(1).optional()],
    [channelVar(c, 'API_VERSION'), z.string().regex(/^v\d+\.\d+$/, 'must look like v21.0').optional()],
  ]),
) as Record<string, z.ZodOptional<z.ZodString>>;

const schema = z
  .object({
    ...serviceEnv({ internalPort: 9084 }),
    ...publicHttpEnv({ httpPort: 8084 }),
    ...databaseEnv,
    ...kafkaEnv,
    // file-service: the short-lived links file messages are sent with.
    ...grpcClientEnv('FILE_GRPC_URL', '127.0.0.1:50053'),
    // Channels this instance serves (outbound topics consumed, webhook paths answered).
    CONNECTOR_CHANNELS: csvList().pipe(z.array(z.enum(EXTERNAL_CHANNELS))).default([...EXTERNAL_CHANNELS]),
    // Local development: run each channel's simulated platform inside this process for every channel
    // without an API URL (spec clarification 3). Off in production, where a missing URL stops the start.
    CONNECTORS_SIMULATE: bool().default(false),
    // Where the in-process simulators POST their webhooks (this app's public URL).
    CONNECTORS_PUBLIC_URL: z.url().optional(),
    // One send (connect, send, read the answer).
    CONNECTOR_SEND_TIMEOUT_MS: intInRange(100, 120_000).default(10_000),
    // Retries of a retryable send failure: exponential from the base, capped; a Retry-After from the
    // provider wins when it says longer. Retries go on until the send succeeds or fails for good.
    CONNECTOR_RETRY_BASE_MS: intInRange(10, 60_000).default(500),
    CONNECTOR_RETRY_MAX_MS: intInRange(100, 600_000).default(30_000),
    // Circuit breaker per provider: opens when this share of sends fail in the rolling window (with at
    // least the minimum number of sends), stays open this long, then lets one trial send through.
    CONNECTOR_BREAKER_FAILURE_PERCENT: intInRange(1, 100).default(50),
    CONNECTOR_BREAKER_MIN_REQUESTS: intInRange(1, 10_000).default(5),
    CONNECTOR_BREAKER_WINDOW_MS: intInRange(1_000, 600_000).default(10_000),
    CONNECTOR_BREAKER_OPEN_MS: intInRange(100, 600_000).default(5_000),
    // Outbound partitions sent at once by one instance (one partition: always one message at a time).
    CONNECTOR_PARTITION_CONCURRENCY: intInRange(1, 64).default(4),
    // Conversations of one partition sent at once (each conversation's messages still one at a time,
    // in seq order): with a provider answering in ~150 ms, one at a time per partition would cap a
    // partition at a handful of messages per second.
    CONNECTOR_CONVERSATION_CONCURRENCY: intInRange(1, 1000).default(16),
    // Prefix of the consumer groups: one per channel's topic, `<prefix>.<topic>`.
    CONNECTOR_CONSUMER_GROUP: z.string().min(1).default('connectors'),
    // How long the group waits for an instance that stopped heartbeating (crashed) before its
    // conversations move to another: their messages wait that long.
    CONNECTOR_SESSION_TIMEOUT_MS: intInRange(6_000, 300_000).default(10_000),
    // What the in-process simulators do (CONNECTORS_SIMULATE): median send latency (log-normal, long
    // tail), share of sends failing transiently (5xx or 429 with Retry-After), receipts repeated,
    // delivered in reverse order, or overtaking the send's answer.
    SIMULATOR_LATENCY_MEDIAN_MS: intInRange(0, 60_000).default(120),
    SIMULATOR_TRANSIENT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.02),
    SIMULATOR_RECEIPT_DUPLICATE_RATE: z.coerce.number().min(0).max(1).default(0.05),
    SIMULATOR_RECEIPT_REORDER_RATE: z.coerce.number().min(0).max(1).default(0.05),
    // Share of sends whose first receipt is delivered before the send is answered.
    SIMULATOR_RECEIPT_BEFORE_ANSWER_RATE: z.coerce.number().min(0).max(1).default(0.05),
    // How long what was sent is remembered (redelivery dedupe, receipts matched to our messages).
    CONNECTOR_SENT_RETENTION_DAYS: intInRange(1, 3650).default(30),
    // How long a receipt that arrived before its send was recorded waits for it before it is dropped.
    CONNECTOR_EARLY_RECEIPT_RETENTION_HOURS: intInRange(1, 720).default(24),
    // How often parked receipts are matched again and expired. A receipt is matched right after its
    // send is recorded; only what a crash left between the two waits for this sweep.
    CONNECTOR_RECEIPT_SWEEP_INTERVAL_MS: intInRange(1_000, 3_600_000).default(30_000),
    // Largest inbound message text accepted from a webhook (longer ones are cut, never dropped).
    WEBHOOK_MAX_TEXT_CHARS: intInRange(1, 100_000).default(4_096),
    // Largest webhook body read (its signature is checked over all of it before anything parses it).
    // Meta batches up to 1,000 changes in one delivery; 1 MiB holds that with room to spare.
    WEBHOOK_MAX_BODY_BYTES: intInRange(1_024, 16 * 1024 * 1024).default(1024 * 1024),
    // Webhook requests per channel and source address (HTTP_TRUST_PROXY decides what that is) in a
    // fixed window, per instance, counted before the signature is checked. Generous: a provider's
    // receipts come in bursts (three per message sent, and the backlog it retries after an outage),
    // and behind a proxy without HTTP_TRUST_PROXY all of them share one source.
    WEBHOOK_RATE_LIMIT_REQUESTS: intInRange(1, 10_000_000).default(3_000),
    WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: intInRange(1, 3_600).default(10),
    ...channelEnv,
  })
  .superRefine((env, ctx) => {
    if (env.CONNECTORS_SIMULATE) return;
    const vars = env as unknown as Record<string, string | undefined>;
    for (const channel of env.CONNECTOR_CHANNELS) {
      for (const name of ['API_URL', 'ACCESS_TOKEN', 'WEBHOOK_SECRET'] as const) {
        const key = channelVar(channel, name);
        if (!vars[key]) ctx.addIssue({ code: 'custom', path: [key], message: `needed for channel ${channel} (listed in CONNECTOR_CHANNELS; or set CONNECTORS_SIMULATE=true)` });
      }
    }
  });

export interface ChannelSettings {
  channel: ExternalChannel;
  /** Unset: simulated in-process. */
  apiUrl?: string;
  accessToken?: string;
  webhookSecret?: string;
  verifyToken?: string;
  accountId?: string;
  apiVersion?: string;
}

export function loadConnectorsConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  const vars = env as unknown as Record<string, string | undefined>;
  return {
    service: toServiceConfig('connectors', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('connectors', env),
    files: { grpcUrl: env.FILE_GRPC_URL },
    connectors: {
      channels: env.CONNECTOR_CHANNELS.map(
        (channel): ChannelSettings => ({
          channel,
          apiUrl: vars[channelVar(channel, 'API_URL')],
          accessToken: vars[channelVar(channel, 'ACCESS_TOKEN')],
          webhookSecret: vars[channelVar(channel, 'WEBHOOK_SECRET')],
          verifyToken: vars[channelVar(channel, 'VERIFY_TOKEN')],
          accountId: vars[channelVar(channel, 'ACCOUNT_ID')],
          apiVersion: vars[channelVar(channel, 'API_VERSION')],
        }),
      ),
      simulate: env.CONNECTORS_SIMULATE,
      publicUrl: env.CONNECTORS_PUBLIC_URL ?? `http://${env.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : env.HTTP_HOST}:${env.HTTP_PORT}`,
      sendTimeoutMs: env.CONNECTOR_SEND_TIMEOUT_MS,
      retry: { baseMs: env.CONNECTOR_RETRY_BASE_MS, maxMs: env.CONNECTOR_RETRY_MAX_MS },
      breaker: {
        failurePercent: env.CONNECTOR_BREAKER_FAILURE_PERCENT,
        minRequests: env.CONNECTOR_BREAKER_MIN_REQUESTS,
        windowMs: env.CONNECTOR_BREAKER_WINDOW_MS,
        openMs: env.CONNECTOR_BREAKER_OPEN_MS,
      },
      partitionConcurrency: env.CONNECTOR_PARTITION_CONCURRENCY,
      conversationConcurrency: env.CONNECTOR_CONVERSATION_CONCURRENCY,
      consumerGroup: env.CONNECTOR_CONSUMER_GROUP,
      sessionTimeoutMs: env.CONNECTOR_SESSION_TIMEOUT_MS,
      webhookMaxTextChars: env.WEBHOOK_MAX_TEXT_CHARS,
      webhookMaxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
      webhookRateLimit: { limit: env.WEBHOOK_RATE_LIMIT_REQUESTS, windowSeconds: env.WEBHOOK_RATE_LIMIT_WINDOW_SECONDS },
      sentRetentionDays: env.CONNECTOR_SENT_RETENTION_DAYS,
      earlyReceiptRetentionHours: env.CONNECTOR_EARLY_RECEIPT_RETENTION_HOURS,
      receiptSweepIntervalMs: env.CONNECTOR_RECEIPT_SWEEP_INTERVAL_MS,
      simulator: {
        latencyMedianMs: env.SIMULATOR_LATENCY_MEDIAN_MS,
        transientFailureRate: env.SIMULATOR_TRANSIENT_FAILURE_RATE,
        duplicateRate: env.SIMULATOR_RECEIPT_DUPLICATE_RATE,
        reorderRate: env.SIMULATOR_RECEIPT_REORDER_RATE,
        receiptsBeforeAnswer: env.SIMULATOR_RECEIPT_BEFORE_ANSWER_RATE,
      },
    },
  };
}

export type ConnectorsConfig = ReturnType<typeof loadConnectorsConfig>;
export type ConnectorSettings = ConnectorsConfig['connectors'];
export const CONNECTORS_CONFIG = Symbol('CONNECTORS_CONFIG');

/** Only the database variables: for the migrate command, which needs no channel settings. */
export const loadConnectorsDatabaseConfig = (source?: EnvSource) => toDatabaseConfig(parseEnv(z.object(databaseEnv), source));
