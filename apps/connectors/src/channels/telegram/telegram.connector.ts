import type { OutboundMessage } from '@chat4all/contracts';
import { z } from 'zod';
import {
  channelConnectorConfigSchema,
  webhookPayloadError,
  type ChannelConnector,
  type ChannelConnectorConfig,
  type InboundEvent,
  type SendFailure,
  type SendResult,
  type WebhookHeaders,
} from '../channel-connector';
import { postJson, retryAfterHeaderMs, shortReason, transportFailure, unreadableReply } from '../provider-http';
import type { MediaKind } from '../channel-connector';
import type { MediaLinks } from '../media-links';
import { outgoingContent, type OutgoingContent } from '../send-preflight';
import { sameSecret, singleHeader } from '../webhook-signature';
import { telegramCapabilities } from './telegram.capabilities';

const chatSchema = z.object({ id: z.number().int(), type: z.string() });

const sendResponseSchema = z.object({
  ok: z.literal(true),
  result: z.object({ message_id: z.number().int(), date: z.number().int(), chat: chatSchema }),
});

const errorSchema = z.object({
  ok: z.literal(false),
  error_code: z.number().int(),
  description: z.string(),
  parameters: z.object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).optional(),
});

// An Update carries exactly one of many optional fields; only `message` matters here, the others
// (edited messages, callbacks, membership changes…) are valid and skipped.
const updateSchema = z.object({
  update_id: z.number().int(),
  message: z
    .object({
      message_id: z.number().int(),
      from: z.object({ id: z.number().int(), is_bot: z.boolean() }).optional(),
      chat: chatSchema,
      date: z.number().int(),
      text: z.string().optional(),
    })
    .optional(),
});

/**
 * Telegram numbers messages per chat, so its message_id alone is not unique: the provider message id
 * is `<chat id>:<message id>`, for ours and for inbound ones alike.
 */
export const telegramMessageId = (chatId: number | string, messageId: number): string => `${chatId}:${messageId}`;

/** The Bot API method and field that send each kind of file; the URL is the file (Telegram downloads it). */
export const TELEGRAM_MEDIA_METHODS: Record<MediaKind, { method: string; field: string }> = {
  image: { method: 'sendPhoto', field: 'photo' },
  video: { method: 'sendVideo', field: 'video' },
  audio: { method: 'sendAudio', field: 'audio' },
  document: { method: 'sendDocument', field: 'document' },
};

function telegramCall(content: OutgoingContent): { method: string; fields: Record<string, unknown> } {
  if (content.type === 'text') return { method: 'sendMessage', fields: { text: content.text } };
  const { method, field } = TELEGRAM_MEDIA_METHODS[content.kind];
  return { method, fields: { [field]: content.url } };
}

const INVALID_CHAT = /chat not found|PEER_ID_INVALID|user not found|chat_id is empty/i;
const UNREACHABLE = /bot was blocked by the user|user is deactivated|bot can't initiate conversation|bot was kicked/i;

// Telegram Bot API: POST /bot<token>/sendMessage (files: sendPhoto, sendVideo, sendAudio or
// sendDocument with the file's URL, which Telegram downloads before it answers); the Update webhook is authenticated by the
// secret_token given to setWebhook, echoed in X-Telegram-Bot-Api-Secret-Token. Bots get no
// delivery or read receipts, so a successful send (SENT) is all that can ever be known.
export class TelegramConnector implements ChannelConnector {
  readonly channel = 'telegram' as const;
  readonly capabilities = telegramCapabilities;
  private readonly config: ChannelConnectorConfig;

  constructor(
    config: ChannelConnectorConfig,
    private readonly media: MediaLinks,
  ) {
    this.config = channelConnectorConfigSchema.parse(config);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const content = await outgoingContent(message, this.capabilities, this.media);
    if ('ok' in content) return content;
    const { baseUrl, accessToken, timeoutMs } = this.config;
    const contact = message.external_contact;
    // chat_id is an integer, or "@channelusername"; a numeric string is sent as the number.
    const chatId = /^-?\d+$/.test(contact) && Number.isSafeInteger(Number(contact)) ? Number(contact) : contact;
    const { method, fields } = telegramCall(content);
    const reply = await postJson(`${baseUrl}/bot${accessToken}/${method}`, { chat_id: chatId, ...fields }, { timeoutMs });
    if (reply.kind !== 'reply') return transportFailure(reply, timeoutMs);
    const sent = sendResponseSchema.safeParse(reply.json);
    if (sent.success) return { ok: true, providerMessageId: telegramMessageId(sent.data.result.chat.id, sent.data.result.message_id) };
    const error = errorSchema.safeParse(reply.json);
    if (!error.success) return unreadableReply(reply.status, reply.text);
    return this.failure(error.data, reply.headers);
  }

  verifySignature(headers: WebhookHeaders, _rawBody: Buffer): boolean {
    const given = singleHeader(headers, 'x-telegram-bot-api-secret-token');
    return given !== undefined && sameSecret(given, this.config.webhookSecret);
  }

  parseWebhook(body: unknown): InboundEvent[] {
    const update = updateSchema.safeParse(body);
    if (!update.success) throw webhookPayloadError(this.channel, update.error);
    const message = update.data.message;
    if (!message || message.text === undefined || message.from?.is_bot) return [];
    return [
      {
        kind: 'message',
        providerMessageId: telegramMessageId(message.chat.id, message.message_id),
        // The chat is where a reply goes; in a private chat it is the person's id.
        from: String(message.chat.id),
        text: message.text,
        at: new Date(message.date * 1000),
      },
    ];
  }

  private failure(error: z.infer<typeof errorSchema>, headers: Headers): SendFailure {
    const reason = shortReason(`${error.error_code}: ${error.description}`);
    const { error_code: code, description } = error;
    if (code === 429) {
      const seconds = error.parameters?.retry_after ?? Number(/retry after (\d+)/i.exec(description)?.[1] ?? NaN);
      const retryAfterMs = Number.isFinite(seconds) ? seconds * 1000 : (retryAfterHeaderMs(headers) ?? 1_000);
      return { ok: false, code: 'rate-limited', retryable: true, reason, retryAfterMs };
    }
    if (code >= 500) return { ok: false, code: 'provider-unavailable', retryable: true, reason, retryAfterMs: retryAfterHeaderMs(headers) };
    if (code === 401 || code === 404) return { ok: false, code: 'unauthorized', retryable: false, reason };
    if (INVALID_CHAT.test(description)) return { ok: false, code: 'invalid-recipient', retryable: false, reason };
    if (UNREACHABLE.test(description)) return { ok: false, code: 'recipient-unreachable', retryable: false, reason };
    if (/message is too long/i.test(description)) return { ok: false, code: 'text-too-long', retryable: false, reason };
    return { ok: false, code: 'rejected', retryable: false, reason };
  }
}
