import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SendFailure, SendFailureCode } from './channel-connector';
import { retryAfterHeaderMs, shortReason, unreadableReply } from './provider-http';

// What WhatsApp Cloud API, Messenger and Instagram share: the Graph API and its error envelope
// (developers.facebook.com/docs/graph-api/guides/error-handling).

export const DEFAULT_GRAPH_API_VERSION = 'v23.0';

export const graphErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number(),
    error_subcode: z.number().optional(),
    error_data: z.union([z.object({ details: z.string().optional() }).loose(), z.string()]).optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphError = z.infer<typeof graphErrorSchema>['error'];

// Throttling codes, with how long to wait when the answer does not say. Graph answers throttles
// with HTTP 400 or 429 and no Retry-After; only the business-use-case limits carry a hint.
const THROTTLE_WAIT_MS = new Map<number, number>([
  [4, 60_000], // application request limit
  [17, 60_000], // user request limit
  [32, 60_000], // Page request limit
  [613, 1_000], // Send API calls per second
  [80002, 60_000], // Instagram business-use-case limit
  [80006, 60_000], // Messenger business-use-case limit
  [130429, 1_000], // WhatsApp throughput (messages per second per number)
  [131056, 6_000], // WhatsApp pair rate limit: about one message per 6 s to the same user
]);
const TRANSIENT = new Set([1, 2, 1200, 131000, 131016]);
const AUTH = new Set([102, 190]);

function codeFor(error: GraphError, status: number): SendFailureCode {
  const { code, error_subcode: subcode } = error;
  if (THROTTLE_WAIT_MS.has(code)) return 'rate-limited';
  if (TRANSIENT.has(code)) return 'provider-unavailable';
  if (AUTH.has(code) || status === 401) return 'unauthorized';
  if (code === 131047 || (code === 10 && subcode === 2018278)) return 'outside-window';
  // 2018001: Messenger's "No matching user found"; 2534014: Instagram's.
  if (code === 131026 || code === 131030 || (code === 100 && (subcode === 2018001 || subcode === 2534014))) return 'invalid-recipient';
  if (code === 551) return 'recipient-unreachable';
  if (status >= 500) return 'provider-unavailable';
  return 'rejected';
}

/** `(#131026) Message Undeliverable: details`, the way Meta's dashboards show an error. */
export function describeGraphError(error: GraphError): string {
  const details = typeof error.error_data === 'string' ? error.error_data : error.error_data?.details;
  const subcode = error.error_subcode === undefined ? '' : `/${error.error_subcode}`;
  const message = error.message.replace(/^\(#\d+\)\s*/, '');
  return `(#${error.code}${subcode}) ${message}${details && details !== message ? `: ${details}` : ''}`;
}

/** A non-2xx Graph answer as a send result: throttles and server trouble retry, the rest is final. */
export function graphFailure(status: number, json: unknown, text: string, headers: Headers): SendFailure {
  const parsed = graphErrorSchema.safeParse(json);
  if (!parsed.success) return unreadableReply(status, text);
  const error = parsed.data.error;
  const code = codeFor(error, status);
  const reason = shortReason(describeGraphError(error));
  if (code === 'rate-limited') {
    const retryAfterMs = retryAfterHeaderMs(headers) ?? businessUseCaseWaitMs(headers) ?? THROTTLE_WAIT_MS.get(error.code) ?? 1_000;
    return { ok: false, code, retryable: true, reason, retryAfterMs };
  }
  if (code === 'provider-unavailable') return { ok: false, code, retryable: true, reason, retryAfterMs: retryAfterHeaderMs(headers) };
  return { ok: false, code, retryable: false, reason };
}

/** X-Business-Use-Case-Usage: `{ "<id>": [{ "estimated_time_to_regain_access": <minutes>, ... }] }`. */
function businessUseCaseWaitMs(headers: Headers): number | undefined {
  const header = headers.get('x-business-use-case-usage');
  if (!header) return undefined;
  try {
    const usage = JSON.parse(header) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Object.values(usage)
      .flat()
      .map((u) => u.estimated_time_to_regain_access ?? 0);
    const longest = Math.max(0, ...minutes);
    return longest > 0 ? longest * 60_000 : undefined;
  } catch {
    return undefined;
  }
}

/** Graph's error body, as the simulators answer it. */
export function graphErrorBody(
  code: number,
  message: string,
  extra: { type?: string; subcode?: number; details?: string; messagingProduct?: 'whatsapp' } = {},
): { error: Record<string, unknown> } {
  return {
    error: {
      message,
      type: extra.type ?? 'OAuthException',
      code,
      ...(extra.subcode === undefined ? {} : { error_subcode: extra.subcode }),
      ...(extra.details === undefined
        ? {}
        : { error_data: extra.messagingProduct ? { messaging_product: extra.messagingProduct, details: extra.details } : { details: extra.details } }),
      fbtrace_id: randomBytes(9).toString('base64url'),
    },
  };
}

/**
 * JSON the way Meta serialises webhook bodies: non-ASCII as lowercase `\u` escapes and `/` as `\/`.
 * The signature covers these bytes, which is why a receiver must verify the raw body.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
