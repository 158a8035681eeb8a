import type { Upload } from './uploads.repository';
import { missingChunks, toRanges } from './upload-rules';

// The JSON shapes of uploads in the /v1/files API (docs/files.md).

export const sessionView = (u: Upload) => ({
  upload_id: u.id,
  chunk_size: u.chunkSize,
  total_chunks: u.totalChunks,
  expires_at: u.expiresAt.toISOString(),
});

/** Status and progress: chunks received as ranges, the missing ones, bytes and percentage. */
export function statusView(u: Upload, received: readonly number[]) {
  return {
    upload_id: u.id,
    status: u.status,
    protocol: u.protocol,
    filename: u.filename,
    mime_type: u.mimeType,
    size_bytes: u.sizeBytes,
    conversation_id: u.conversationId,
    chunk_size: u.chunkSize,
    total_chunks: u.totalChunks,
    chunks_received: received.length,
    received_ranges: toRanges(received),
    missing_chunks: u.status === 'UPLOADING' ? missingChunks(received, u.totalChunks) : [],
    bytes_received: u.bytesReceived,
    percentage: u.sizeBytes === 0 ? 100 : Math.floor((u.bytesReceived * 1000) / u.sizeBytes) / 10,
    expires_at: u.expiresAt.toISOString(),
    created_at: u.createdAt.toISOString(),
    ...(u.status === 'COMPLETED' ? { file_id: u.id, sha256: u.sha256, completed_at: u.completedAt?.toISOString() } : {}),
    ...(u.status === 'FAILED' ? { failure: { code: u.failureCode, reason: u.failureReason } } : {}),
  };
}

/** One line of GET /v1/files/uploads. */
export const listItemView = (u: Upload) => ({
  upload_id: u.id,
  status: u.status,
  protocol: u.protocol,
  filename: u.filename,
  mime_type: u.mimeType,
  size_bytes: u.sizeBytes,
  sha256: u.sha256 ?? u.declaredSha256,
  conversation_id: u.conversationId,
  chunk_size: u.chunkSize,
  total_chunks: u.totalChunks,
  chunks_received: u.chunksReceived,
  bytes_received: u.bytesReceived,
  expires_at: u.expiresAt.toISOString(),
  created_at: u.createdAt.toISOString(),
});
