import { z } from 'zod';
import { EXTERNAL_CHANNELS } from '../channels';
import { CONVERSATION_MAX_MEMBERS } from '../limits';
import { storableText } from '../text';
import { queryInt, timestamp, uuid } from './common';

export const GROUP_MIN_MEMBERS = 3;
export const GROUP_MAX_MEMBERS = CONVERSATION_MAX_MEMBERS;
export const TITLE_MAX_CHARS = 200;
export const EXTERNAL_CONTACT_MAX_CHARS = 200;
export const CONVERSATIONS_PAGE_DEFAULT = 50;
export const CONVERSATIONS_PAGE_MAX = 100;
export const CONVERSATIONS_OFFSET_MAX = 10_000;

const conversationType = z.enum(['private', 'group']);
const conversationChannel = z.enum(['internal', ...EXTERNAL_CHANNELS]);

// Members are user ids and include the caller (added if missing). private: exactly 2 members;
// group: 3-100; an external channel needs the contact it talks to.
export const createConversationSchema = z
  .object({
    type: conversationType,
    // Lower-case: PostgreSQL's uuid ignores case, so two spellings of one id are one member.
    member_ids: z
      .array(z.uuid().transform((id) => id.toLowerCase()))
      .min(1)
      .max(GROUP_MAX_MEMBERS)
      .meta({ description: `User ids; the caller is added if missing. private: you and one other; group: ${GROUP_MIN_MEMBERS} to ${GROUP_MAX_MEMBERS} members.` }),
    title: storableText({ max: TITLE_MAX_CHARS }).optional(),
    channel: conversationChannel.default('internal'),
    external_contact: storableText({ max: EXTERNAL_CONTACT_MAX_CHARS }).optional().meta({ description: 'The contact on the external channel (needed unless channel is internal).' }),
  })
  .strict()
  .refine((c) => c.channel === 'internal' || c.external_contact !== undefined, {
    message: 'an external channel needs external_contact',
    path: ['external_contact'],
  })
  .meta({ id: 'CreateConversationRequest' });
export type CreateConversationRequest = z.infer<typeof createConversationSchema>;

// limit/offset for simple clients, plus an opaque cursor that stays stable while new messages reorder
// the list (use one or the other; with a cursor, offset counts from it).
export const listConversationsQuerySchema = z
  .object({
    limit: queryInt(1, CONVERSATIONS_PAGE_MAX).default(CONVERSATIONS_PAGE_DEFAULT),
    offset: queryInt(0, CONVERSATIONS_OFFSET_MAX).default(0),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor returned by this API')
      .optional()
      .meta({ description: 'next_cursor of the previous page.' }),
  })
  .strict();
export type ListConversationsQuery = z.infer<typeof listConversationsQuerySchema>;

export const markReadSchema = z
  .object({ up_to_seq: z.number().int().min(0).optional().meta({ description: 'Read up to this seq (default: the latest message).' }) })
  .strict()
  .meta({ id: 'MarkReadRequest' });

export const memberHorizonSchema = z.object({ user_id: uuid, read_seq: z.number().int().min(0), delivered_seq: z.number().int().min(0) });

/** What a conversation and its line in the list both show. */
const conversationFields = {
  id: uuid,
  type: conversationType,
  channel: conversationChannel,
  external_contact: z.string().nullable(),
  title: z.string().nullable(),
};

export const conversationSchema = z
  .object({
    ...conversationFields,
    created_by: uuid,
    created_at: timestamp,
    last_seq: z.number().int().min(0),
    read_seq: z.number().int().min(0).meta({ description: "The caller's read horizon." }),
    members: z.array(memberHorizonSchema),
  })
  .meta({ id: 'Conversation' });
export type ConversationView = z.infer<typeof conversationSchema>;

export const conversationSummarySchema = z
  .object({
    ...conversationFields,
    last_seq: z.number().int().min(0),
    read_seq: z.number().int().min(0),
    unread_count: z.number().int().min(0),
    last_activity_at: timestamp,
    last_message: z
      .object({ message_id: uuid, seq: z.number().int().min(1), sender_id: uuid, type: z.string(), preview: z.string(), created_at: timestamp })
      .nullable(),
  })
  .meta({ id: 'ConversationSummary' });
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const conversationPageSchema = z
  .object({
    conversations: z.array(conversationSummarySchema),
    next_cursor: z.string().nullable(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'ConversationPage' });
export type ConversationPage = z.infer<typeof conversationPageSchema>;

export const readHorizonSchema = z
  .object({ conversation_id: uuid, read_seq: z.number().int().min(0), unread_count: z.number().int().min(0) })
  .meta({ id: 'ReadHorizon' });
