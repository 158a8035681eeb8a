import type { SendMessageRequest } from '@chat4all/contracts';
import { createHash } from 'node:crypto';

// The request schemas are the public contract's (@chat4all/contracts, api/messages.ts).

/** Canonical hash of what was asked, to tell a retry (same) from a conflicting reuse of the id. */
export const requestHash = (r: SendMessageRequest): string =>
  createHash('sha256').update(JSON.stringify([r.conversation_id, r.payload.type, r.payload.type === 'text' ? r.payload.text : r.payload.file_id])).digest('base64url');
