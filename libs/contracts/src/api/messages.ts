import { z } from 'zod';
import { fileAttachmentSchema } from '../files';
import { MESSAGE_STATUSES } from '../messaging-events';
import { storableText } from '../text';
import { queryInt, timestamp, uuid } from './common';

export const MESSAGE_TEXT_MAX_CHARS = 4096;
export const TIMELINE_PAGE_DEFAULT = 50;
export const TIMELINE_PAGE_MAX = 100;

export const messagePayloadSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text: storableText({ max: MESSAGE_TEXT_MAX_CHARS }) }).strict(),
    z.object({ type: z.literal('file'), file_id: z.uuid().meta({ description: 'A COMPLETED file of yours, or one sent in a conversation of yours.' }) }).strict(),
  ])
  .meta({ id: 'MessagePayloadRequest' });

export const sendMessageSchema = z
  .object({
    message_id: z.uuid().meta({ description: 'Chosen by the client (a UUID): sending the same message again is answered like the first time (Idempotent-Replayed: true).' }),
    conversation_id: z.uuid(),
    payload: messagePayloadSchema,
  })
  .strict()
  .meta({ id: 'SendMessageRequest' });
export type SendMessageRequest = z.infer<typeof sendMessageSchema>;

export const timelineQuerySchema = z
  .object({
    after_seq: queryInt(0).optional().meta({ description: 'Messages after this seq, oldest first.' }),
    before_seq: queryInt(1).optional().meta({ description: 'Alone: the latest page before this seq (scrolling back), returned in seq order.' }),
    limit: queryInt(1, TIMELINE_PAGE_MAX).default(TIMELINE_PAGE_DEFAULT),
  })
  .strict();
export type TimelineQuery = z.infer<typeof timelineQuerySchema>;

export const messageStatusSchema = z.enum(MESSAGE_STATUSES).meta({ id: 'MessageStatus' });

export const messageContentViewSchema = z
  .discriminatedUnion('type', [z.object({ type: z.literal('text'), text: z.string() }), fileAttachmentSchema.extend({ type: z.literal('file') })])
  .meta({ id: 'MessagePayload' });

export const messageSchema = z
  .object({
    message_id: uuid,
    conversation_id: uuid,
    seq: z.number().int().min(1),
    sender_id: uuid,
    origin: z.enum(['member', 'contact']).meta({ description: '`contact`: written by the external contact (sender_id then stands for that contact).' }),
    payload: messageContentViewSchema,
    status: messageStatusSchema.optional().meta({ description: 'Absent only when the timeline was served while delivery state was unavailable.' }),
    failure_reason: z.string().optional(),
    created_at: timestamp,
  })
  .meta({ id: 'Message' });
export type MessageView = z.infer<typeof messageSchema>;

export const messageWithHistorySchema = messageSchema
  .extend({ status_history: z.array(z.object({ status: messageStatusSchema, at: timestamp })) })
  .meta({ id: 'MessageWithHistory' });
export type MessageWithHistory = z.infer<typeof messageWithHistorySchema>;

export const timelineSchema = z.object({ messages: z.array(messageSchema) }).meta({ id: 'Timeline' });

export const sendMessageAcceptedSchema = z
  .object({ message_id: uuid, seq: z.number().int().min(1), status: z.literal('ACCEPTED') })
  .meta({ id: 'MessageAccepted' });
export type SendMessageAccepted = z.infer<typeof sendMessageAcceptedSchema>;
