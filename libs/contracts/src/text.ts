import { z } from 'zod';

// Text a client sends ends up in PostgreSQL, which cannot hold every JavaScript string: `text` and
// `jsonb` refuse U+0000 (the insert fails, a 500 that logged the value), and an unpaired UTF-16
// surrogate is no character at all (jsonb refuses it; the driver turns it into U+FFFD in `text`, so
// what is stored is not what was sent). The rule lives here once; every schema for client text uses it.

const NUL = /\0/;
const NUL_GLOBAL = /\0/g;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_GLOBAL = new RegExp(LONE_SURROGATE.source, 'g');

/** Why `value` cannot be stored as text, or undefined if it can. */
export function unstorableTextReason(value: string): string | undefined {
  if (NUL.test(value)) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain an unpaired UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

/**
 * A string field of a client request: `min` to `max` UTF-16 code units (the length JavaScript and
 * JSON Schema count), no NUL, valid Unicode. Every limit is explicit: there is no default `max`.
 */
export const storableText = (limits: { max: number; min?: number }) =>
  z
    .string()
    .min(limits.min ?? 1)
    .max(limits.max)
    .superRefine((value, ctx) => {
      const reason = unstorableTextReason(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    });

/**
 * Text that is not ours to refuse (what a contact wrote on an external channel) made storable:
 * NULs dropped, unpaired surrogates replaced by U+FFFD, as a UTF-8 decoder would.
 */
export const toStorableText = (value: string): string => value.replace(NUL_GLOBAL, '').replace(LONE_SURROGATE_GLOBAL, '\uFFFD');
