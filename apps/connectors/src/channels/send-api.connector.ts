import type { ExternalChannel, OutboundMessage } from '@chat4all/contracts';
import { z } from 'zod';
import {
  channelConnectorConfigSchema,
  webhookPayloadError,
  type ChannelCapabilities,
  type ChannelConnector,
  type ChannelConnectorConfig,
  type InboundEvent,
  type MediaKind,
  type SendResult,
  type WebhookHeaders,
} from './channel-connector';
import { DEFAULT_GRAPH_API_VERSION, graphFailure } from './meta-graph';
import { postJson, transportFailure, unreadableReply } from './provider-http';
import type { MediaLinks } from './media-links';
import { outgoingContent, type OutgoingContent } from './send-preflight';
import { verifyHubSignature256 } from './webhook-signature';

const sendResponseSchema = z.object({ recipient_id: z.string(), message_id: z.string().min(1) });

export const messagingEventSchema = z.object({
  sender: z.object({ id: z.string() }),
  recipient: z.object({ id: z.string() }),
  timestamp: z.number().optional(),
  message: z.object({ mid: z.string(), text: z.string().optional(), is_echo: z.boolean().optional() }).optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number().optional(), mid: z.string().optional() }).optional(),
});
export type MessagingEvent = z.infer<typeof messagingEventSchema>;

export interface SendApiOptions {
  /** The webhook `object` the platform posts: `page` (Messenger) or `instagram`. */
  webhookObject: 'page' | 'instagram';
  /** Fields the platform wants beside recipient and message (Messenger's messaging_type). */
  extraFields: Record<string, unknown>;
  /** The attachment `type` for each kind of file the platform takes (Messenger's documents are `file`). */
  attachmentTypes: Partial<Record<MediaKind, string>>;
  /** Fields of an attachment's payload beside its `url`. */
  attachmentPayload: Record<string, unknown>;
}

// Messenger and Instagram share Meta's Send API (POST /{version}/me/messages with a Page access
// token) and the `messaging` webhook envelope; they differ in the receipts they send.
export abstract class SendApiConnector implements ChannelConnector {
  protected readonly config: ChannelConnectorConfig;
  private readonly webhookSchema: z.ZodType<{ entry: { messaging?: MessagingEvent[] }[] }>;

  protected constructor(
    readonly channel: ExternalChannel,
    readonly capabilities: ChannelCapabilities,
    config: ChannelConnectorConfig,
    private readonly options: SendApiOptions,
    private readonly media: MediaLinks,
  ) {
    this.config = channelConnectorConfigSchema.parse(config);
    this.webhookSchema = z.object({
      object: z.literal(options.webhookObject),
      // `standby` entries (handover protocol) are another app's conversation, so only `messaging`.
      entry: z.array(z.object({ id: z.string(), time: z.number(), messaging: z.array(messagingEventSchema).optional() })),
    });
  }

  /** The statuses a receipt event stands for, or none when it is not a receipt. */
  protected abstract receipts(event: MessagingEvent): InboundEvent[];

  async send(message: OutboundMessage): Promise<SendResult> {
    const content = await outgoingContent(message, this.capabilities, this.media);
    if ('ok' in content) return content;
    const { baseUrl, apiVersion = DEFAULT_GRAPH_API_VERSION, accessToken, timeoutMs } = this.config;
    const contact = message.external_contact;
    const reply = await postJson(
      `${baseUrl}/${apiVersion}/me/messages?access_token=${encodeURIComponent(accessToken)}`,
      { recipient: { id: contact }, ...this.options.extraFields, message: this.messageBody(content) },
      { timeoutMs },
    );
    if (reply.kind !== 'reply') return transportFailure(reply, timeoutMs);
    if (reply.status < 200 || reply.status >= 300) return graphFailure(reply.status, reply.json, reply.text, reply.headers);
    const body = sendResponseSchema.safeParse(reply.json);
    if (!body.success) return unreadableReply(reply.status, reply.text);
    return { ok: true, providerMessageId: body.data.message_id };
  }

  /** A text, or one attachment by URL, which the platform fetches before it answers. */
  private messageBody(content: OutgoingContent): Record<string, unknown> {
    if (content.type === 'text') return { text: content.text };
    const type = this.options.attachmentTypes[content.kind];
    // The capabilities name only the kinds the platform takes; a kind without a type is a bug here.
    if (!type) throw new Error(`${this.channel} has no attachment type for ${content.kind}`);
    return { attachment: { type, payload: { url: content.url, ...this.options.attachmentPayload } } };
  }

  verifySignature(headers: WebhookHeaders, rawBody: Buffer): boolean {
    return verifyHubSignature256(headers, rawBody, this.config.webhookSecret);
  }

  parseWebhook(body: unknown): InboundEvent[] {
    const envelope = this.webhookSchema.safeParse(body);
    if (!envelope.success) throw webhookPayloadError(this.channel, envelope.error);
    return envelope.data.entry.flatMap((entry) => (entry.messaging ?? []).flatMap((event) => this.interpret(event)));
  }

  private interpret(event: MessagingEvent): InboundEvent[] {
    const { message } = event;
    if (message) {
      // Echoes are our own messages coming back; attachments-only messages cannot be represented yet.
      if (message.is_echo || message.text === undefined) return [];
      return [{ kind: 'message', providerMessageId: message.mid, from: event.sender.id, text: message.text, at: new Date(event.timestamp ?? Date.now()) }];
    }
    return this.receipts(event);
  }
}
