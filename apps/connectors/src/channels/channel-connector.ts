import type { ExternalChannel, OutboundMessage } from '@chat4all/contracts';
import { z } from 'zod';

/** Statuses a provider can report for a message we sent (our names, not the provider's). */
export type ReceiptStatus = 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';

/** What a platform documents as its limits; checked before a send, and read by whoever routes to it. */
export interface ChannelCapabilities {
  /** Longest text message, in Unicode code points. */
  maxTextLength: number;
  /** Longest text message in UTF-8 bytes, where the platform counts bytes (Instagram). */
  maxTextBytes?: number;
  /**
   * How a file goes out, as the platform documents it for media sent by URL: the first rule that
   * names the file's MIME type and fits its size decides; none (a type the platform refuses, or a
   * file over every limit that names it) is a permanent failure.
   */
  media: readonly MediaRule[];
  /**
   * When the platform downloads a file's link: before it answers the send (a link it cannot use is
   * the send's error), or after accepting it (WhatsApp: a failed status webhook instead).
   */
  mediaFetch: 'before-answer' | 'after-answer';
  /** The platform's documented send throughput for one business account. */
  rateLimit: { perSecond: number; burst: number };
  /** Free-form replies are allowed only this long after the contact's last message. */
  customerServiceWindowHours?: number;
  /** Receipts the platform really sends by webhook; a successful send is SENT on every channel. */
  receipts: readonly ReceiptStatus[];
  /**
   * How the platform authenticates its webhooks: an HMAC of the body (Meta's X-Hub-Signature-256),
   * or a shared secret in a header that does not cover the body (Telegram's secret_token).
   */
  webhookAuthentication: 'body-hmac' | 'secret-header';
}

/** How a platform shows a file: WhatsApp's and Messenger's attachment types, Telegram's send methods. */
export type MediaKind = 'image' | 'video' | 'audio' | 'document';

export interface MediaRule {
  kind: MediaKind;
  /** Exact types, `type/*` for a whole top-level type, or `*` for any other type. */
  mimeTypes: readonly string[];
  maxBytes: number;
}

export const SEND_FAILURE_CODES = [
  'invalid-recipient',
  'recipient-unreachable',
  'outside-window',
  'text-too-long',
  'unsupported-content',
  'file-too-large',
  /** file-service has no such file (or it is not COMPLETED): permanent. */
  'file-not-found',
  /** file-service did not answer: retryable, and no fault of the provider (the breaker ignores it). */
  'file-unavailable',
  'rejected',
  'unauthorized',
  'rate-limited',
  'provider-unavailable',
  'invalid-response',
  'timeout',
  'network',
] as const;
export type SendFailureCode = (typeof SEND_FAILURE_CODES)[number];

export type SendFailure = { ok: false; code: SendFailureCode; retryable: boolean; reason: string; retryAfterMs?: number };
export type SendResult = { ok: true; providerMessageId: string } | SendFailure;

/** Where a thread receipt stops: messages whose send began by an instant, or up to and including a named message. */
export type ThreadPoint = { sentBy: Date } | { providerMessageId: string };

export type InboundEvent =
  | { kind: 'message'; providerMessageId: string; from: string; text: string; at: Date }
  | { kind: 'status'; providerMessageId: string; status: ReceiptStatus; reason?: string; at: Date }
  /**
   * A receipt naming a point in the thread with a contact rather than messages (Messenger's
   * watermarks, Instagram's "seen up to"): every message sent to them up to that point. The
   * connectors app expands it from its record of sends (Receipts), which every instance shares.
   */
  | { kind: 'thread-status'; contact: string; status: 'DELIVERED' | 'READ'; through: ThreadPoint; at: Date };

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface ChannelConnector {
  readonly channel: ExternalChannel;
  readonly capabilities: ChannelCapabilities;
  /** Never throws for provider or transport trouble: the result says whether a retry can help. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Checks the request came from the provider, over the body exactly as received. */
  verifySignature(headers: WebhookHeaders, rawBody: Buffer): boolean;
  /** The events in a verified webhook body; throws WebhookPayloadError for anything else. */
  parseWebhook(body: unknown): InboundEvent[];
}

export const channelConnectorConfigSchema = z.object({
  /** The provider's API root (https://graph.facebook.com, https://api.telegram.org) or a simulator's. */
  baseUrl: z.url(),
  /** WhatsApp: system-user token; Messenger and Instagram: Page access token; Telegram: bot token. */
  accessToken: z.string().min(1),
  /** Meta: the app secret that signs X-Hub-Signature-256; Telegram: setWebhook's secret_token. */
  webhookSecret: z.string().min(1),
  /** WhatsApp: the business phone number id. Meta: the Page or Instagram account id (webhooks). */
  accountId: z.string().min(1).optional(),
  /** Graph API version for the Meta channels. */
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .optional(),
  timeoutMs: z.number().int().positive(),
});
export type ChannelConnectorConfig = z.infer<typeof channelConnectorConfigSchema>;

/** A webhook body that is not the provider's shape: answer 400 and do not retry it. */
export class WebhookPayloadError extends Error {
  constructor(
    readonly channel: ExternalChannel,
    readonly reason: string,
  ) {
    super(`${channel} webhook payload: ${reason}`);
    this.name = 'WebhookPayloadError';
  }
}

/** Turns a failed schema parse into the typed error, naming the first few problems. */
export function webhookPayloadError(channel: ExternalChannel, error: z.ZodError): WebhookPayloadError {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return new WebhookPayloadError(channel, issues.join('; '));
}
