// The request schemas are the public contract's (@chat4all/contracts, api/files.ts); here: cursors and digests.
import { z } from 'zod';

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
