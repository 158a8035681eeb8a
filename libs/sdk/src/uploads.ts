import { Chat4AllError } from './errors';
import type { FetchLike } from './transport';

export interface UploadOptions {
  filename: string;
  mimeType: string;
  /** The conversation it is for (lets its members download it once sent). */
  conversationId?: string;
  /** Called after every chunk: bytes stored so far and the total. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** Continue this unfinished upload (GET /v1/files/uploads?status=UPLOADING lists them) instead of starting one. */
  uploadId?: string;
  /** Wait until the file is COMPLETED (or FAILED) after the merge starts (default true, at most 120 s). */
  waitForCompletion?: boolean;
  completionTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface UploadResult {
  fileId: string;
  uploadId: string;
  status: 'MERGING' | 'COMPLETED' | 'FAILED';
  sha256?: string | null;
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const digest = async (bytes: Uint8Array<ArrayBuffer>) => `sha-256=:${base64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)))}:`;

/** The chunk API (/v1/files): initiate, PATCH each missing chunk with its Content-Digest, complete. */
export async function uploadFile(fetchImpl: FetchLike, baseUrl: string, data: Blob | Uint8Array, options: UploadOptions): Promise<UploadResult> {
  // A view on the same bytes typed as ArrayBuffer-backed: DOM's typings (TS 5.9) take no other in a Blob.
  const blob = data instanceof Blob ? data : new Blob([new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength)]);
  const url = (path: string) => new URL(path, baseUrl).toString();
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetchImpl(
      new Request(url(path), {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal,
      }),
    );
    if (!response.ok) throw await Chat4AllError.from(response);
    return (await response.json()) as T;
  };

  let uploadId = options.uploadId;
  let chunkSize: number;
  let missing: number[];
  if (uploadId) {
    const status = await json<{ chunk_size: number; missing_chunks: number[] }>('GET', `/v1/files/upload/${uploadId}/status`);
    chunkSize = status.chunk_size;
    missing = status.missing_chunks;
  } else {
    const session = await json<{ upload_id: string; chunk_size: number; total_chunks: number }>('POST', '/v1/files/initiate', {
      filename: options.filename,
      size_bytes: blob.size,
      mime_type: options.mimeType,
      ...(options.conversationId ? { conversation_id: options.conversationId } : {}),
    });
    uploadId = session.upload_id;
    chunkSize = session.chunk_size;
    missing = Array.from({ length: session.total_chunks }, (_, i) => i + 1);
  }
  const total = Math.ceil(blob.size / chunkSize);
  let sent = (total - missing.length) * chunkSize;
  options.onProgress?.(Math.min(sent, blob.size), blob.size);
  for (const n of missing) {
    const bytes = new Uint8Array(await blob.slice((n - 1) * chunkSize, Math.min(n * chunkSize, blob.size)).arrayBuffer());
    // A chunk PATCH is idempotent (a chunk sent again is answered already_received): the client retries it.
    const response = await fetchImpl(
      new Request(url(`/v1/files/upload/${uploadId}/${n}`), {
        method: 'PATCH',
        headers: { 'content-type': 'application/octet-stream', 'content-digest': await digest(bytes) },
        body: bytes,
        signal: options.signal,
      }),
    );
    if (!response.ok) throw await Chat4AllError.from(response);
    await response.body?.cancel();
    sent += bytes.length;
    options.onProgress?.(Math.min(sent, blob.size), blob.size);
  }
  const completing = await json<{ file_id: string; status: UploadResult['status'] }>('POST', '/v1/files/complete', { upload_id: uploadId });
  if (options.waitForCompletion === false) return { fileId: completing.file_id, uploadId, status: completing.status };
  const deadline = Date.now() + (options.completionTimeoutMs ?? 120_000);
  for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
    const status = await json<{ status: UploadResult['status']; sha256?: string | null; failure?: { code: string | null; reason: string | null } }>('GET', `/v1/files/upload/${uploadId}/status`);
    if (status.status === 'COMPLETED') return { fileId: completing.file_id, uploadId, status: 'COMPLETED', sha256: status.sha256 };
    if (status.status === 'FAILED') return { fileId: completing.file_id, uploadId, status: 'FAILED' };
    if (Date.now() > deadline) return { fileId: completing.file_id, uploadId, status: status.status };
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
