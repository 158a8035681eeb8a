import { z } from 'zod';
import { EXTERNAL_CHANNELS } from './channels';
import { fileAttachmentSchema } from './files';

// Payloads of the messaging topics (ARCHITECTURE §3). Producers build them with these types;
// consumers parse them with these schemas, so a malformed event fails loudly and goes to the DLQ.

export const MESSAGE_STATUSES = ['ACCEPTED', 'SENT', 'DELIVERED', 'READ', 'FAILED'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const PROGRESS: Record<MessageStatus, number> = { ACCEPTED: 0, SENT: 1, DELIVERED: 2, READ: 3, FAILED: -1 };

/**
 * Status only moves forward (ARCHITECTURE §2): ACCEPTED → SENT → DELIVERED → READ, steps may be
 * skipped; FAILED only before delivery; nothing leaves READ or FAILED.
 */
export function isForwardTransition(from: MessageStatus, to: MessageStatus): boolean {
  if (from === 'FAILED' || from === to) return false;
  if (to === 'FAILED') return from === 'ACCEPTED' || from === 'SENT';
  return PROGRESS[to] > PROGRESS[from];
}

/** The statuses from which `to` is a forward move: for guarded UPDATEs (`WHERE status = ANY(...)`). */
export const statusesBefore = (to: MessageStatus): MessageStatus[] => MESSAGE_STATUSES.filter((from) => isForwardTransition(from, to));

const channel = z.enum(['internal', ...EXTERNAL_CHANNELS]);

export const messageContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  // A file message: the gateway checked the file is COMPLETED and the sender may share it, and copied its metadata.
  fileAttachmentSchema.extend({ type: z.literal('file') }),
]);
export type MessageContent = z.infer<typeof messageContentSchema>;

/** `messages.created`, type `message.created`: written to the outbox with the message. */
export const messageCreatedSchema = z.object({
  message_id: z.uuid(),
  conversation_id: z.uuid(),
  seq: z.number().int().positive(),
  sender_id: z.uuid(),
  channel,
  external_contact: z.string().nullable(),
  payload: messageContentSchema,
  created_at: z.iso.datetime({ offset: true }),
  /** `contact`: written by the external contact (arrived by webhook), so never routed back out. */
  origin: z.enum(['member', 'contact']).default('member'),
});
export type MessageCreated = z.infer<typeof messageCreatedSchema>;

/** `messages.outbound.<channel>`, type `message.outbound`: what a connector sends to the provider. */
export const outboundMessageSchema = messageCreatedSchema.extend({ channel: z.enum(EXTERNAL_CHANNELS), external_contact: z.string() });
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;

/**
 * `messages.inbound`, type `message.inbound`: a contact wrote to us on an external channel. Keyed by
 * `<channel>:<external_contact>` (the conversation is not known yet), so one contact's messages stay
 * in order. The event id derives from (channel, provider_message_id): a webhook the provider delivers
 * three times is one event, and the gateway's unique (channel, provider_message_id) makes it one row.
 */
export const inboundMessageSchema = z.object({
  channel: z.enum(EXTERNAL_CHANNELS),
  external_contact: z.string().min(1).max(200),
  provider_message_id: z.string().min(1).max(200),
  payload: z.object({ type: z.literal('text'), text: z.string() }),
  received_at: z.iso.datetime({ offset: true }),
});
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export const inboundKey = (m: Pick<InboundMessage, 'channel' | 'external_contact'>): string => `${m.channel}:${m.external_contact}`;

/** `messages.status`, type `message.status`: a receipt (from a connector) or a status decided by us. */
export const messageStatusSchema = z.object({
  message_id: z.uuid(),
  conversation_id: z.uuid(),
  status: z.enum(['SENT', 'DELIVERED', 'READ', 'FAILED']),
  reason: z.string().max(1000).optional(),
  provider_message_id: z.string().optional(),
  at: z.iso.datetime({ offset: true }),
});
export type MessageStatusEvent = z.infer<typeof messageStatusSchema>;

/** `conversations.read`, type `conversation.read`: a member's read horizon moved forward. */
export const conversationReadSchema = z.object({
  conversation_id: z.uuid(),
  user_id: z.uuid(),
  read_seq: z.number().int().nonnegative(),
  previous_read_seq: z.number().int().nonnegative(),
  at: z.iso.datetime({ offset: true }),
});
export type ConversationRead = z.infer<typeof conversationReadSchema>;

/** `conversations.delivered`, type `conversation.delivered`: a member's client acknowledged every message up to delivered_seq. */
export const conversationDeliveredSchema = z.object({
  conversation_id: z.uuid(),
  user_id: z.uuid(),
  delivered_seq: z.number().int().nonnegative(),
  previous_delivered_seq: z.number().int().nonnegative(),
  at: z.iso.datetime({ offset: true }),
});
export type ConversationDelivered = z.infer<typeof conversationDeliveredSchema>;

export const EventTypes = {
  messageCreated: 'message.created',
  messageOutbound: 'message.outbound',
  messageInbound: 'message.inbound',
  messageStatus: 'message.status',
  conversationRead: 'conversation.read',
  conversationDelivered: 'conversation.delivered',
  fileMergeRequested: 'file.merge-requested',
} as const;
