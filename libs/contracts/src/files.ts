import { z } from 'zod';

// Files (ARCHITECTURE §3, docs/files.md): what file-service, the gateway, connectors and realtime agree
// on. An upload is one row in file-service; once COMPLETED the same id is the file's id.

export const UPLOAD_STATUSES = ['UPLOADING', 'MERGING', 'COMPLETED', 'FAILED'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** What a file message carries (in messages.created and message.created frames): the gateway fills it from file-service. */
export const fileAttachmentSchema = z.object({
  file_id: z.uuid(),
  filename: z.string().min(1),
  mime_type: z.string().min(1),
  size_bytes: z.number().int().min(0),
  sha256: sha256Hex,
});
export type FileAttachment = z.infer<typeof fileAttachmentSchema>;

/** `files.merge-requested`, type `file.merge-requested`: every chunk is there; file-service merges them. */
export const fileMergeRequestedSchema = z.object({ upload_id: z.uuid(), requested_at: z.iso.datetime({ offset: true }) });
export type FileMergeRequested = z.infer<typeof fileMergeRequestedSchema>;

/** Why a merge ended in FAILED: a stable code (clients branch on it) and a sentence for people. */
export const FILE_FAILURE_CODES = ['size-mismatch', 'checksum-mismatch', 'content-type-mismatch', 'content-type-not-allowed', 'executable-content'] as const;
export type FileFailureCode = (typeof FILE_FAILURE_CODES)[number];
