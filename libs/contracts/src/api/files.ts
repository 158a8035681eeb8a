import { z } from 'zod';
import { UPLOAD_STATUSES } from '../files';
import { queryInt, timestamp, uuid } from './common';

// The upload API (/v1/files, served by file-service behind the gateway) and downloads (gateway).

export const UPLOADS_PAGE_DEFAULT = 50;
export const UPLOADS_PAGE_MAX = 100;

export const initiateUploadSchema = z
  .object({
    filename: z.string().min(1).max(4096).meta({ description: 'Cleaned on arrival (path, control and bidi characters removed) and cut to 255 characters.' }),
    size_bytes: z.number().int().min(1),
    mime_type: z.string().min(3).max(255),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
      .optional()
      .meta({ description: 'The whole file, if known: checked at the merge.' }),
    conversation_id: z.uuid().optional(),
  })
  .strict()
  .meta({ id: 'InitiateUploadRequest' });

export const completeUploadSchema = z.object({ upload_id: z.uuid() }).strict().meta({ id: 'CompleteUploadRequest' });

export const listUploadsQuerySchema = z
  .object({
    status: z.enum(UPLOAD_STATUSES).optional(),
    limit: queryInt(1, UPLOADS_PAGE_MAX).default(UPLOADS_PAGE_DEFAULT),
    cursor: z.string().max(200).optional().meta({ description: 'next_cursor of the previous page.' }),
  })
  .strict();

const uploadStatus = z.enum(UPLOAD_STATUSES);
const protocol = z.enum(['chunks', 'tus']);

export const uploadSessionSchema = z
  .object({ upload_id: uuid, chunk_size: z.number().int(), total_chunks: z.number().int(), expires_at: timestamp })
  .meta({ id: 'UploadSession' });

export const chunkReceiptSchema = z
  .object({
    upload_id: uuid,
    chunk_number: z.number().int().min(1),
    already_received: z.boolean(),
    chunks_received: z.number().int(),
    total_chunks: z.number().int(),
    bytes_received: z.number().int(),
  })
  .meta({ id: 'ChunkReceipt' });

const uploadFields = {
  upload_id: uuid,
  status: uploadStatus,
  protocol,
  filename: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int(),
  conversation_id: uuid.nullable(),
  chunk_size: z.number().int(),
  total_chunks: z.number().int(),
  chunks_received: z.number().int(),
  bytes_received: z.number().int(),
  expires_at: timestamp,
  created_at: timestamp,
};

export const uploadStatusSchema = z
  .object({
    ...uploadFields,
    received_ranges: z.array(z.array(z.number().int().min(1)).length(2)).meta({ description: 'Chunks received, as [first, last] ranges.' }),
    missing_chunks: z.array(z.number().int()),
    percentage: z.number().min(0).max(100),
    file_id: uuid.optional(),
    sha256: z.string().nullable().optional(),
    completed_at: timestamp.optional(),
    failure: z.object({ code: z.string().nullable(), reason: z.string().nullable() }).optional(),
  })
  .meta({ id: 'UploadStatus' });

export const uploadPageSchema = z
  .object({ uploads: z.array(z.object({ ...uploadFields, sha256: z.string().nullable() })), next_cursor: z.string().nullable() })
  .meta({ id: 'UploadPage' });

export const uploadCompletingSchema = z.object({ upload_id: uuid, file_id: uuid, status: uploadStatus }).meta({ id: 'UploadCompleting' });

export const fileSchema = z
  .object({
    file_id: uuid,
    status: uploadStatus,
    filename: z.string(),
    mime_type: z.string(),
    size_bytes: z.number().int(),
    sha256: z.string().nullable(),
    created_at: timestamp,
    completed_at: timestamp.nullable(),
    download_url: z.url().nullable().meta({ description: 'Presigned, short-lived (download_url_expires_at).' }),
    download_url_expires_at: timestamp.nullable(),
  })
  .meta({ id: 'File' });
