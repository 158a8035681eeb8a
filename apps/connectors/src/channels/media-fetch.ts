import { createHash } from 'node:crypto';

/** What a simulated platform got from a media link, as its servers would: the bytes' size and hash, or why not. */
export type MediaDownload =
  | { ok: true; bytes: number; sha256: string; contentType?: string }
  | { ok: false; problem: 'unreachable' | 'timeout'; detail: string }
  | { ok: false; problem: 'http-status'; status: number; detail: string }
  | { ok: false; problem: 'too-large'; detail: string };

/**
 * GETs a media link the way a platform's fetcher does: within a deadline, streaming, reading at most
 * `maxBytes + 1` bytes (enough to know a file is over the limit, without downloading all of it).
 */
export async function downloadMedia(url: string, options: { maxBytes: number; timeoutMs: number }): Promise<MediaDownload> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (error) {
    return trouble(error);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, problem: 'http-status', status: response.status, detail: `HTTP ${response.status} ${response.statusText}`.trim() };
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > options.maxBytes) {
    await response.body.cancel().catch(() => undefined);
    return { ok: false, problem: 'too-large', detail: `${declared} bytes; the limit is ${options.maxBytes}` };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > options.maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, problem: 'too-large', detail: `more than ${options.maxBytes} bytes` };
      }
      hash.update(value);
    }
  } catch (error) {
    return trouble(error);
  }
  const contentType = response.headers.get('content-type') ?? undefined;
  return { ok: true, bytes, sha256: hash.digest('hex'), ...(contentType ? { contentType } : {}) };
}

function trouble(error: unknown): MediaDownload {
  // By name, not instanceof: the DOMException may come from another realm (Jest's sandbox).
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, problem: 'timeout', detail: 'no complete answer in time' };
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return { ok: false, problem: 'unreachable', detail: typeof cause?.code === 'string' ? cause.code : String((error as Error)?.message ?? error) };
}
