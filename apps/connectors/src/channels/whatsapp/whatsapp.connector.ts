import type { OutboundMessage } from '@chat4all/contracts';
import { z } from 'zod';
import {
  channelConnectorConfigSchema,
  webhookPayloadError,
  type ChannelConnector,
  type ChannelConnectorConfig,
  type InboundEvent,
  type ReceiptStatus,
  type SendResult,
  type WebhookHeaders,
} from '../channel-connector';
import { DEFAULT_GRAPH_API_VERSION, describeGraphError, graphFailure } from '../meta-graph';
import { postJson, transportFailure, unreadableReply } from '../provider-http';
import type { MediaLinks } from '../media-links';
import { outgoingContent, type OutgoingContent } from '../send-preflight';
import { verifyHubSignature256 } from '../webhook-signature';
import { whatsappCapabilities } from './whatsapp.capabilities';

const sendResponseSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z.array(z.object({ input: z.string(), wa_id: z.string() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1) })).min(1),
});

const unixSeconds = z.string().regex(/^\d+$/);

const statusSchema = z.object({
  id: z.string(),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string(),
  errors: z
    .array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional(), error_data: z.object({ details: z.string().optional() }).optional() }))
    .optional(),
});

const messageSchema = z.object({
  from: z.string(),
  id: z.string(),
  timestamp: unixSeconds,
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
});

const messagesValueSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string() }),
  messages: z.array(messageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
});

const webhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

// WhatsApp's status names; `deleted`, `warning` and others name no step of ours and are skipped.
const STATUSES: Record<string, ReceiptStatus | undefined> = { sent: 'SENT', delivered: 'DELIVERED', read: 'READ', failed: 'FAILED' };

const secondsToDate = (seconds: string): Date => new Date(Number(seconds) * 1000);

// WhatsApp Cloud API: POST /{version}/{phone-number-id}/messages with a bearer token; webhooks of
// the `messages` field carry both inbound messages and the statuses of ours.
export class WhatsAppConnector implements ChannelConnector {
  readonly channel = 'whatsapp' as const;
  readonly capabilities = whatsappCapabilities;
  private readonly config: ChannelConnectorConfig & { accountId: string };

  constructor(
    config: ChannelConnectorConfig,
    private readonly media: MediaLinks,
  ) {
    const parsed = channelConnectorConfigSchema.parse(config);
    if (!parsed.accountId) throw new Error('whatsapp connector needs accountId: the business phone number id');
    this.config = { ...parsed, accountId: parsed.accountId };
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const content = await outgoingContent(message, this.capabilities, this.media);
    if ('ok' in content) return content;
    const { baseUrl, apiVersion = DEFAULT_GRAPH_API_VERSION, accountId, accessToken, timeoutMs } = this.config;
    const reply = await postJson(
      `${baseUrl}/${apiVersion}/${encodeURIComponent(accountId)}/messages`,
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.external_contact, ...messageBody(content) },
      { headers: { authorization: `Bearer ${accessToken}` }, timeoutMs },
    );
    if (reply.kind !== 'reply') return transportFailure(reply, timeoutMs);
    if (reply.status < 200 || reply.status >= 300) return graphFailure(reply.status, reply.json, reply.text, reply.headers);
    const body = sendResponseSchema.safeParse(reply.json);
    if (!body.success) return unreadableReply(reply.status, reply.text);
    return { ok: true, providerMessageId: body.data.messages[0].id };
  }

  verifySignature(headers: WebhookHeaders, rawBody: Buffer): boolean {
    return verifyHubSignature256(headers, rawBody, this.config.webhookSecret);
  }

  parseWebhook(body: unknown): InboundEvent[] {
    const envelope = webhookSchema.safeParse(body);
    if (!envelope.success) throw webhookPayloadError(this.channel, envelope.error);
    const events: InboundEvent[] = [];
    for (const entry of envelope.data.entry) {
      // Other fields (templates, account updates, quality) carry nothing about messages.
      for (const change of entry.changes.filter((c) => c.field === 'messages')) {
        const value = messagesValueSchema.safeParse(change.value);
        if (!value.success) throw webhookPayloadError(this.channel, value.error);
        // One app may serve several business numbers; this connector speaks for one of them.
        if (value.data.metadata.phone_number_id !== this.config.accountId) continue;
        events.push(...this.messageEvents(value.data.messages ?? []), ...this.statusEvents(value.data.statuses ?? []));
      }
    }
    return events;
  }

  // Only text can be represented downstream today; media, reactions and the rest are skipped.
  private messageEvents(messages: z.infer<typeof messageSchema>[]): InboundEvent[] {
    return messages
      .filter((m) => m.type === 'text' && m.text !== undefined)
      .map((m) => ({ kind: 'message', providerMessageId: m.id, from: m.from, text: m.text?.body ?? '', at: secondsToDate(m.timestamp) }));
  }

  private statusEvents(statuses: z.infer<typeof statusSchema>[]): InboundEvent[] {
    const events: InboundEvent[] = [];
    for (const s of statuses) {
      const status = STATUSES[s.status];
      if (!status) continue;
      const reason = status === 'FAILED' ? failureReason(s.errors) : undefined;
      events.push({ kind: 'status', providerMessageId: s.id, status, at: secondsToDate(s.timestamp), ...(reason ? { reason } : {}) });
    }
    return events;
  }
}

/** The typed part of a Cloud API message: `text`, or a media object by link (documents with their filename). */
function messageBody(content: OutgoingContent): Record<string, unknown> {
  if (content.type === 'text') return { type: 'text', text: { preview_url: false, body: content.text } };
  const { kind, url, file } = content;
  return { type: kind, [kind]: kind === 'document' ? { link: url, filename: file.filename } : { link: url } };
}

function failureReason(errors: z.infer<typeof statusSchema>['errors']): string {
  if (!errors?.length) return 'failed (no error given)';
  return errors
    .map((e) => describeGraphError({ code: e.code, message: e.title ?? e.message ?? 'error', error_data: e.error_data }))
    .join('; ')
    .slice(0, 500);
}
