import { z } from 'zod';
import { queryInt } from './common';

export const DEAD_LETTERS_PAGE_DEFAULT = 50;
export const DEAD_LETTERS_PAGE_MAX = 100;

export const listDeadLettersQuerySchema = z
  .object({
    limit: queryInt(1, DEAD_LETTERS_PAGE_MAX).default(DEAD_LETTERS_PAGE_DEFAULT),
    before_id: z.string().regex(/^\d{1,18}$/, 'must be an id from a previous page').optional(),
    include_replayed: z.enum(['true', 'false']).default('false'),
  })
  .strict();

export const deadLetterSchema = z
  .object({
    id: z.string(),
    event_id: z.string().nullable(),
    source: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string(), key: z.string().nullable() }),
    reason: z.string(),
    attempts: z.number().int(),
    failed_at: z.string(),
    replayed_at: z.string().nullable(),
    value: z.unknown().meta({ description: 'The record as it was on the topic (parsed when JSON).' }),
  })
  .meta({ id: 'DeadLetter' });

export const deadLetterPageSchema = z
  .object({ dead_letters: z.array(deadLetterSchema), next_before_id: z.string().nullable() })
  .meta({ id: 'DeadLetterPage' });

export const deadLetterReplaySchema = deadLetterSchema.partial().required({ id: true }).meta({ id: 'DeadLetterReplay' });
