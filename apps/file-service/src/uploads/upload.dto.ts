import { UPLOAD_STATUSES } from '@chat4all/contracts';
import { z } from 'zod';

export const initiateUploadSchema = z
  .object({
    filename: z.string().min(1).max(4096),
    size_bytes: z.number().int().min(1),
    mime_type: z.string().min(3).max(255),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits').optional(),
    conversation_id: z.uuid().optional(),
  })
  .strict();

export const completeUploadSchema = z.object({ upload_id: z.uuid() }).strict();

export const listUploadsQuerySchema = z
  .object({
    status: z.enum(UPLOAD_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

/** The cursor of the next page: the last item's created_at and id. */
export const encodeCursor = (u: { createdAt: Date; id: string }) => Buffer.from(`${u.createdAt.toISOString()}|${u.id}`).toString('base64url');

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  return Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success ? undefined : { createdAt, id: id };
}

/**
 * RFC 9530 `Content-Digest: sha-256=:<base64>:` → hex; undefined when the header is absent. Other
 * algorithms in the header are ignored; a malformed sha-256 entry is an error (null).
 */
export function sha256FromContentDigest(header: string | undefined): string | undefined | null {
  if (!header) return undefined;
  for (const entry of header.split(',')) {
    const match = /^\s*sha-256\s*=\s*:([A-Za-z0-9+/]+={0,2}):\s*$/i.exec(entry);
    if (match) {
      const bytes = Buffer.from(match[1], 'base64');
      return bytes.length === 32 ? bytes.toString('hex') : null;
    }
    if (/^\s*sha-256\s*=/i.test(entry)) return null;
  }
  return undefined;
}
