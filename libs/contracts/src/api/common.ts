import 'zod-openapi';
import { z } from 'zod';
import { PROBLEM_BASE_URI } from '../problem';

// Shapes every part of the public REST API shares. The schemas under api/ are the one description of
// that API: the apps validate requests with them, their response types are inferred from them, and the
// OpenAPI document (api/openapi.ts) is generated from them.

export const uuid = z.uuid();
export const timestamp = z.iso.datetime({ offset: true }).meta({ description: 'RFC 3339 timestamp (UTC).', example: '2026-12-03T06:00:00.000Z' });

/** RFC 9457 problem details: `type` is stable per kind of error and documented in docs/api.md. */
export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: `Stable identifier of the kind of error: ${PROBLEM_BASE_URI}<slug>.`, example: `${PROBLEM_BASE_URI}invalid-request` }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(z.looseObject({ field: z.string(), message: z.string() })).optional().meta({ description: 'One entry per invalid field (invalid-request).' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type ProblemBody = z.infer<typeof problemSchema>;

/**
 * An integer query parameter: digits only. `z.coerce.number()` alone would read `?limit=` as 0 and
 * `?limit=0x10` as 16; those are refused (NaN fails the number check).
 */
export const queryInt = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : typeof v === 'number' ? v : Number.NaN), z.number().int().min(min).max(max));
