import { CONVERSATION_MAX_MEMBERS, EXTERNAL_CHANNELS, storableText } from '@chat4all/contracts';
import { z } from 'zod';

export const GROUP_MIN_MEMBERS = 3;
export const GROUP_MAX_MEMBERS = CONVERSATION_MAX_MEMBERS;
export const TITLE_MAX_CHARS = 200;
export const EXTERNAL_CONTACT_MAX_CHARS = 200;

// Members are user ids and include the caller (added if missing). private: exactly 2 members;
// group: 3-100 (ARCHITECTURE §3a); an external channel needs the contact it talks to.
export const createConversationSchema = z
  .object({
    type: z.enum(['private', 'group']),
    // Lower-case: PostgreSQL's uuid ignores case, so two spellings of one id are one member.
    member_ids: z.array(z.uuid().transform((id) => id.toLowerCase())).min(1).max(GROUP_MAX_MEMBERS),
    title: storableText({ max: TITLE_MAX_CHARS }).optional(),
    channel: z.enum(['internal', ...EXTERNAL_CHANNELS]).default('internal'),
    external_contact: storableText({ max: EXTERNAL_CONTACT_MAX_CHARS }).optional(),
  })
  .strict()
  .refine((c) => c.channel === 'internal' || c.external_contact !== undefined, {
    message: 'an external channel needs external_contact',
    path: ['external_contact'],
  });

export type CreateConversationRequest = z.infer<typeof createConversationSchema>;

export const CONVERSATIONS_PAGE_DEFAULT = 50;
export const CONVERSATIONS_PAGE_MAX = 100;
export const CONVERSATIONS_OFFSET_MAX = 10_000;

// FR-API-02: limit/offset for simple clients, plus an opaque cursor that stays stable while new
// messages reorder the list (use one or the other; with a cursor, offset counts from it).
export const listConversationsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(CONVERSATIONS_PAGE_MAX).default(CONVERSATIONS_PAGE_DEFAULT),
    offset: z.coerce.number().int().min(0).max(CONVERSATIONS_OFFSET_MAX).default(0),
    cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor returned by this API').optional(),
  })
  .strict();

export type ListConversationsQuery = z.infer<typeof listConversationsQuerySchema>;

export const markReadSchema = z.object({ up_to_seq: z.number().int().min(0).optional() }).strict();
