import type { SendFailure } from './channel-connector';

export type ProviderReply = { kind: 'reply'; status: number; headers: Headers; json: unknown; text: string };
export type TransportTrouble = { kind: 'timeout' } | { kind: 'network'; detail: string };

// A reason travels into messages.status (at most 1000 characters); keep it short and free of URLs,
// which carry tokens (Telegram's path, Messenger's query string).
const REASON_MAX = 500;
export const shortReason = (reason: string): string => (reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX - 1)}…` : reason);

/** POSTs JSON and reads the answer within `timeoutMs`; never throws. */
export async function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs: number },
): Promise<ProviderReply | TransportTrouble> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify(body),
      // One deadline for connecting, sending and reading the whole answer.
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    return { kind: 'reply', status: response.status, headers: response.headers, json: parseJson(text), text };
  } catch (error) {
    // By name, not instanceof: the DOMException may come from another realm (Jest's sandbox).
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout' };
    return { kind: 'network', detail: networkDetail(error) };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function networkDetail(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return typeof message === 'string' ? message : String(error);
}

/** A send that never got an answer: the provider may or may not have taken it, so retry. */
export function transportFailure(trouble: TransportTrouble, timeoutMs: number): SendFailure {
  if (trouble.kind === 'timeout') return { ok: false, code: 'timeout', retryable: true, reason: `no answer within ${timeoutMs} ms` };
  return { ok: false, code: 'network', retryable: true, reason: shortReason(`network error: ${trouble.detail}`) };
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
export function retryAfterHeaderMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A reply we could not read as the provider's (an HTML page from a proxy, an empty 200). */
export function unreadableReply(status: number, text: string): SendFailure {
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  if (status >= 500) return { ok: false, code: 'provider-unavailable', retryable: true, reason: shortReason(`HTTP ${status}: ${snippet}`) };
  if (status === 429) return { ok: false, code: 'rate-limited', retryable: true, reason: `HTTP 429: ${snippet}` };
  // A 2xx we cannot read may still have been sent; retrying risks a duplicate, but losing the
  // message silently is worse, and the provider id is needed to match its receipts.
  if (status < 300) return { ok: false, code: 'invalid-response', retryable: true, reason: shortReason(`HTTP ${status} without the expected body: ${snippet}`) };
  return { ok: false, code: 'rejected', retryable: false, reason: shortReason(`HTTP ${status}: ${snippet}`) };
}
