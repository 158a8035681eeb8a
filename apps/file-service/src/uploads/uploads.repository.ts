import type { UploadStatus } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** An upload as the service works with it (numbers as numbers: sizes stay below 2^53). */
export interface Upload {
  id: string;
  ownerId: string;
  protocol: 'chunks' | 'tus';
  filename: string;
  mimeType: string;
  sizeBytes: number;
  chunkSize: number;
  totalChunks: number;
  declaredSha256: string | null;
  conversationId: string | null;
  status: UploadStatus;
  chunksReceived: number;
  bytesReceived: number;
  hashState: Buffer | null;
  hashedChunks: number;
  sniffedMimeType: string | null;
  tailBytes: number;
  tailKey: string | null;
  sha256: string | null;
  failureCode: string | null;
  failureReason: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

/** What initiate decides; everything else starts at its column default. */
export type NewUpload = Pick<
  Upload,
  'id' | 'ownerId' | 'protocol' | 'filename' | 'mimeType' | 'sizeBytes' | 'chunkSize' | 'totalChunks' | 'declaredSha256' | 'conversationId' | 'expiresAt'
>;

export interface ChunkRow {
  chunkNumber: number;
  sizeBytes: number;
  objectKey: string;
  sha256: string | null;
}

/** What a received chunk changes on its upload. */
export interface ChunkCommit {
  uploadId: string;
  chunk: ChunkRow;
  /** The running hash after this chunk, when it was computed in order (hashed_chunks was n - 1). */
  hashState?: Buffer;
  sniffedMimeType?: string;
  /** tus: the tail this chunk consumed (cleared), and the new tail after it, if any. */
  tail?: { key: string | null; bytes: number };
}

export type ChunkCommitOutcome = 'committed' | 'duplicate' | 'not-open' | 'not-found';

/** The outcome, and the upload as it stands after the commit (or as found, when nothing was committed). */
export interface ChunkCommitResult {
  outcome: ChunkCommitOutcome;
  upload?: Upload;
}

type Row = Record<string, unknown>;

const COLUMNS = `id, owner_id, protocol, filename, mime_type, size_bytes, chunk_size, total_chunks, declared_sha256, conversation_id,
  status, chunks_received, bytes_received, hash_state, hashed_chunks, sniffed_mime_type, tail_bytes, tail_key, sha256,
  failure_code, failure_reason, expires_at, created_at, updated_at, completed_at`;

const toUpload = (r: Row): Upload => ({
  id: r.id as string,
  ownerId: r.owner_id as string,
  protocol: r.protocol as Upload['protocol'],
  filename: r.filename as string,
  mimeType: r.mime_type as string,
  sizeBytes: Number(r.size_bytes),
  chunkSize: r.chunk_size as number,
  totalChunks: r.total_chunks as number,
  declaredSha256: r.declared_sha256 as string | null,
  conversationId: r.conversation_id as string | null,
  status: r.status as UploadStatus,
  chunksReceived: r.chunks_received as number,
  bytesReceived: Number(r.bytes_received),
  hashState: r.hash_state as Buffer | null,
  hashedChunks: r.hashed_chunks as number,
  sniffedMimeType: r.sniffed_mime_type as string | null,
  tailBytes: r.tail_bytes as number,
  tailKey: r.tail_key as string | null,
  sha256: r.sha256 as string | null,
  failureCode: r.failure_code as string | null,
  failureReason: r.failure_reason as string | null,
  expiresAt: r.expires_at as Date,
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
  completedAt: r.completed_at as Date | null,
});

const toChunk = (r: Row): ChunkRow => ({
  chunkNumber: r.chunk_number as number,
  sizeBytes: r.size_bytes as number,
  objectKey: r.object_key as string,
  sha256: r.sha256 as string | null,
});

// Advisory-lock namespace of per-owner upload creation (the open-uploads limit).
const OWNER_LOCK_NAMESPACE = 20_251_212;

// file-service's SQL on uploads, chunks and blobs (ARCHITECTURE §1: file-service owns them). An
// UPDATE or DELETE ... RETURNING is wrapped in a CTE: TypeORM answers a bare one with [rows, count].
@Injectable()
export class UploadsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Creates the upload unless its owner already has `maxOpen` unfinished ones; false then. */
  create(upload: NewUpload, maxOpen: number): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [OWNER_LOCK_NAMESPACE, upload.ownerId]);
      const [open] = await tx.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM file_service.file_uploads WHERE owner_id = $1 AND status = 'UPLOADING' AND expires_at > now()`,
        [upload.ownerId],
      );
      if ((open?.n ?? 0) >= maxOpen) return false;
      await tx.query(
        `INSERT INTO file_service.file_uploads (id, owner_id, protocol, filename, mime_type, size_bytes, chunk_size, total_chunks, declared_sha256, conversation_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [upload.id, upload.ownerId, upload.protocol, upload.filename, upload.mimeType, upload.sizeBytes, upload.chunkSize, upload.totalChunks, upload.declaredSha256, upload.conversationId, upload.expiresAt],
      );
      return true;
    });
  }

  async find(id: string, tx: EntityManager | DataSource = this.dataSource): Promise<Upload | undefined> {
    const [row] = await tx.query<Row[]>(`SELECT ${COLUMNS} FROM file_service.file_uploads WHERE id = $1`, [id]);
    return row ? toUpload(row) : undefined;
  }

  /** The row, locked until the transaction ends. */
  async lock(tx: EntityManager, id: string): Promise<Upload | undefined> {
    const [row] = await tx.query<Row[]>(`SELECT ${COLUMNS} FROM file_service.file_uploads WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toUpload(row) : undefined;
  }

  /** The owner's uploads, newest first, optionally of one status; `before` continues a page. */
  async listForOwner(ownerId: string, options: { status?: UploadStatus; limit: number; before?: { createdAt: Date; id: string } }): Promise<Upload[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${COLUMNS} FROM file_service.file_uploads
       WHERE owner_id = $1 AND ($2::text IS NULL OR status = $2)
         AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [ownerId, options.status ?? null, options.before?.createdAt ?? null, options.before?.id ?? null, options.limit],
    );
    return rows.map(toUpload);
  }

  async chunkNumbers(uploadId: string): Promise<number[]> {
    const rows = await this.dataSource.query<{ chunk_number: number }[]>(
      `SELECT chunk_number FROM file_service.file_upload_chunks WHERE upload_id = $1 ORDER BY chunk_number`,
      [uploadId],
    );
    return rows.map((r) => r.chunk_number);
  }

  async chunks(uploadId: string, tx: EntityManager | DataSource = this.dataSource): Promise<ChunkRow[]> {
    const rows = await tx.query<Row[]>(
      `SELECT chunk_number, size_bytes, object_key, sha256 FROM file_service.file_upload_chunks WHERE upload_id = $1 ORDER BY chunk_number`,
      [uploadId],
    );
    return rows.map(toChunk);
  }

  async findChunk(uploadId: string, chunkNumber: number): Promise<ChunkRow | undefined> {
    const [row] = await this.dataSource.query<Row[]>(
      `SELECT chunk_number, size_bytes, object_key, sha256 FROM file_service.file_upload_chunks WHERE upload_id = $1 AND chunk_number = $2`,
      [uploadId, chunkNumber],
    );
    return row ? toChunk(row) : undefined;
  }

  /**
   * Records a chunk whose object is written, unless the upload stopped taking chunks or another
   * request recorded the same chunk first. The row lock orders a chunk against complete and delete.
   */
  commitChunk(commit: ChunkCommit): Promise<ChunkCommitResult> {
    return this.dataSource.transaction((tx) => this.commitChunkIn(tx, commit));
  }

  async commitChunkIn(tx: EntityManager, commit: ChunkCommit): Promise<ChunkCommitResult> {
    const upload = await this.lock(tx, commit.uploadId);
    if (!upload) return { outcome: 'not-found' };
    if (upload.status !== 'UPLOADING' || upload.expiresAt <= new Date()) return { outcome: 'not-open', upload };
    const { chunk } = commit;
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO file_service.file_upload_chunks (upload_id, chunk_number, size_bytes, object_key, sha256) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING chunk_number`,
      [commit.uploadId, chunk.chunkNumber, chunk.sizeBytes, chunk.objectKey, chunk.sha256],
    );
    if (inserted.length === 0) return { outcome: 'duplicate', upload };
    const inOrder = commit.hashState !== undefined && upload.hashedChunks === chunk.chunkNumber - 1;
    const [row] = await tx.query<Row[]>(
      `WITH u AS (UPDATE file_service.file_uploads SET chunks_received = chunks_received + 1, bytes_received = bytes_received + $2 - tail_bytes + $5,
         hash_state = CASE WHEN $3 THEN $4::bytea ELSE hash_state END,
         hashed_chunks = CASE WHEN $3 THEN hashed_chunks + 1 ELSE hashed_chunks END,
         sniffed_mime_type = COALESCE($6, sniffed_mime_type),
         tail_bytes = $5, tail_key = $7, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS})
       SELECT * FROM u`,
      [commit.uploadId, chunk.sizeBytes, inOrder, inOrder ? commit.hashState : null, commit.tail?.bytes ?? upload.tailBytes, commit.sniffedMimeType ?? null, commit.tail ? commit.tail.key : upload.tailKey],
    );
    return { outcome: 'committed', upload: toUpload(row) };
  }

  /** tus: the partial chunk at the end of the received bytes (and the running hash over it) changed. */
  async setTail(tx: EntityManager, uploadId: string, tail: { key: string | null; bytes: number }, hashState: Buffer | null, sniffedMimeType?: string): Promise<void> {
    await tx.query(
      `UPDATE file_service.file_uploads SET bytes_received = bytes_received - tail_bytes + $2, tail_key = $3, tail_bytes = $2,
         hash_state = COALESCE($4, hash_state), sniffed_mime_type = COALESCE($5, sniffed_mime_type), updated_at = now() WHERE id = $1`,
      [uploadId, tail.bytes, tail.key, hashState, sniffedMimeType ?? null],
    );
  }

  async setStatus(tx: EntityManager, uploadId: string, status: UploadStatus): Promise<void> {
    await tx.query(`UPDATE file_service.file_uploads SET status = $2, updated_at = now() WHERE id = $1`, [uploadId, status]);
  }

  /** MERGING → FAILED, once; false when the upload was not MERGING. */
  async fail(uploadId: string, code: string, reason: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `WITH u AS (UPDATE file_service.file_uploads SET status = 'FAILED', failure_code = $2, failure_reason = $3, hash_state = NULL, updated_at = now()
       WHERE id = $1 AND status = 'MERGING' RETURNING id) SELECT id FROM u`,
      [uploadId, code, reason],
    );
    return rows.length > 0;
  }

  /**
   * The merge's first step: the upload refers to the blob of its content (created if it is the first
   * with that SHA-256). Returns the blob's object key. From here a delete of another file with this
   * content keeps the blob.
   */
  referBlob(uploadId: string, sha256: string, objectKey: string, sizeBytes: number): Promise<string> {
    return this.dataSource.transaction(async (tx) => {
      const [blob] = await tx.query<{ object_key: string }[]>(
        `INSERT INTO file_service.blobs (sha256, object_key, size_bytes) VALUES ($1, $2, $3)
         ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256 RETURNING object_key`,
        [sha256, objectKey, sizeBytes],
      );
      await tx.query(`UPDATE file_service.file_uploads SET sha256 = $2, updated_at = now() WHERE id = $1`, [uploadId, sha256]);
      return blob.object_key;
    });
  }

  /** MERGING → COMPLETED, once (its chunk rows go with it); false when it was not MERGING. */
  complete(uploadId: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<unknown[]>(
        `WITH u AS (UPDATE file_service.file_uploads SET status = 'COMPLETED', completed_at = now(), hash_state = NULL, tail_key = NULL, tail_bytes = 0, updated_at = now()
         WHERE id = $1 AND status = 'MERGING' AND sha256 IS NOT NULL RETURNING id) SELECT id FROM u`,
        [uploadId],
      );
      if (rows.length === 0) return false;
      await tx.query(`DELETE FROM file_service.file_upload_chunks WHERE upload_id = $1`, [uploadId]);
      return true;
    });
  }

  /**
   * Deletes the upload row (its chunks cascade). When it referred to a blob no other file uses, the
   * blob row goes too and `dropObject` runs while its row is still locked, so a merge adopting the
   * same content waits and then writes the object again.
   */
  remove(uploadId: string, dropObject: (objectKey: string) => Promise<void>): Promise<Upload | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const [row] = await tx.query<Row[]>(`WITH d AS (DELETE FROM file_service.file_uploads WHERE id = $1 RETURNING ${COLUMNS}) SELECT * FROM d`, [uploadId]);
      if (!row) return undefined;
      const upload = toUpload(row);
      if (upload.sha256) {
        const [blob] = await tx.query<{ object_key: string }[]>(`SELECT object_key FROM file_service.blobs WHERE sha256 = $1 FOR UPDATE`, [upload.sha256]);
        const [other] = await tx.query<unknown[]>(`SELECT 1 FROM file_service.file_uploads WHERE sha256 = $1 LIMIT 1`, [upload.sha256]);
        if (blob && !other) {
          await dropObject(blob.object_key);
          await tx.query(`DELETE FROM file_service.blobs WHERE sha256 = $1`, [upload.sha256]);
        }
      }
      return upload;
    });
  }

  /** Expired unfinished uploads, locked (SKIP LOCKED: several GC instances share the work). */
  async lockExpired(tx: EntityManager, limit: number): Promise<Upload[]> {
    const rows = await tx.query<Row[]>(
      `SELECT ${COLUMNS} FROM file_service.file_uploads WHERE status = 'UPLOADING' AND expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toUpload);
  }

  async deleteLocked(tx: EntityManager, uploadIds: string[]): Promise<void> {
    await tx.query(`DELETE FROM file_service.file_uploads WHERE id = ANY($1::uuid[])`, [uploadIds]);
  }

  async blobKey(sha256: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ object_key: string }[]>(`SELECT object_key FROM file_service.blobs WHERE sha256 = $1`, [sha256]);
    return row?.object_key;
  }
}
