import type { ExternalChannel, OutboundMessage } from '@chat4all/contracts';
import type { MediaLinks } from './media-links';
import { outboundMessage } from './outbound-message.test-kit';

/** For unit specs: the presigned link file-service would give every file. */
export const FILE_LINK = 'https://minio.example.test/chat4all-files/7c1f?X-Amz-Signature=abc';
export const fileLinks: MediaLinks = { linkFor: () => Promise.resolve({ ok: true, url: FILE_LINK }) };

/** A file message as the gateway writes it. */
export function fileMessage(channel: ExternalChannel, contact: string, file: { mime_type: string; size_bytes?: number; filename?: string }): OutboundMessage {
  return outboundMessage(channel, contact, {
    type: 'file',
    file_id: '0b9c8f2e-3a4d-4e5f-8a6b-7c8d9e0f1a2b',
    filename: file.filename ?? 'invoice.pdf',
    mime_type: file.mime_type,
    size_bytes: file.size_bytes ?? 48_213,
    sha256: 'a'.repeat(64),
  });
}
