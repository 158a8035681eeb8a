import { DelegateBackoff, handleWhenResult, retry, type IRetryBackoffContext } from 'cockatiel';

/** How the client retries (429 and 503 with Retry-After, network failures) requests that are safe to repeat. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  maxAttempts?: number;
  /** Longest wait before one retry; a longer Retry-After fails the call instead (default 30 s). */
  maxDelayMs?: number;
  /** First wait without a Retry-After, doubled each time, with full jitter (default 200 ms). */
  baseDelayMs?: number;
}

export type FetchLike = (input: Request) => Promise<Response>;

const RETRIED_STATUSES = new Set([429, 503]);

/**
 * A request may be sent again when repeating it cannot do anything twice: reads, and writes that
 * carry an Idempotency-Key (the client sets one on every POST) or are idempotent by design (PUT,
 * DELETE, the chunk and tus PATCHes).
 */
const repeatable = (request: Request): boolean => request.method !== 'POST' || request.headers.has('idempotency-key');

/** Seconds (or an HTTP date) → milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

class RetryAfterTooLong extends Error {}

/**
 * Wraps `fetch` with the retry policy (cockatiel): a retried answer is waited for as its Retry-After
 * says, otherwise with exponential backoff; the last answer (or error) is returned as it is.
 * `everyRequest`: the caller knows its POSTs are safe to repeat (the token endpoint).
 */
export function retryingFetch(fetchImpl: FetchLike, options: RetryOptions = {}, everyRequest = false): FetchLike {
  const maxAttempts = options.maxAttempts ?? 4;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const fallback = Math.random() * baseDelayMs * 2 ** (context.attempt - 1);
    if (!('value' in context.result)) return fallback;
    const response = context.result.value as Response;
    const wait = retryAfterMs(response.headers.get('retry-after'));
    if (wait !== undefined && wait > maxDelayMs) throw new RetryAfterTooLong();
    return wait ?? fallback;
  });
  // One policy for every request: it keeps no state between calls.
  const policy = retry(handleWhenResult((r) => r instanceof Response && RETRIED_STATUSES.has(r.status)).orType(TypeError), {
    maxAttempts: maxAttempts - 1,
    backoff,
  });
  return async (request) => {
    if ((!everyRequest && !repeatable(request)) || maxAttempts <= 1) return fetchImpl(request);
    let last: Response | undefined;
    try {
      return await policy.execute(async () => {
        if (last) await last.body?.cancel();
        last = await fetchImpl(request.clone());
        return last;
      });
    } catch (error) {
      // Retry-After beyond what the caller accepts: give them the answer that asked for it.
      if (error instanceof RetryAfterTooLong && last) return last;
      throw error;
    }
  };
}
