import { storableText } from '@chat4all/contracts';
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const MESSAGE_TEXT_MAX_CHARS = 4096;

export const messagePayloadSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: storableText({ max: MESSAGE_TEXT_MAX_CHARS }) }).strict(),
  z.object({ type: z.literal('file'), file_id: z.uuid() }).strict(),
]);

export const sendMessageSchema = z
  .object({
    message_id: z.uuid(),
    conversation_id: z.uuid(),
    payload: messagePayloadSchema,
  })
  .strict();

export type SendMessageRequest = z.infer<typeof sendMessageSchema>;

/** Canonical hash of what was asked, to tell a retry (same) from a conflicting reuse of the id. */
export const requestHash = (r: SendMessageRequest): string =>
  createHash('sha256').update(JSON.stringify([r.conversation_id, r.payload.type, r.payload.type === 'text' ? r.payload.text : r.payload.file_id])).digest('base64url');
export const timelineQuerySchema = z
  .object({
    after_seq: z.coerce.number().int().min(0).optional(),
    before_seq: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

