import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Blob } from '../files/blob.entity';

// One upload (FR-FU-08). When it reaches COMPLETED the same id is the file's id: its bytes are the
// blob named by sha256 (shared with every other file of the same content).
@Entity({ name: 'file_uploads' })
@Check('CHK_file_uploads_status', `"status" IN ('UPLOADING', 'MERGING', 'COMPLETED', 'FAILED')`)
@Check('CHK_file_uploads_protocol', `"protocol" IN ('chunks', 'tus')`)
@Index('IDX_file_uploads_owner', ['ownerId', 'status', 'createdAt'])
export class FileUpload {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  /** Which API created it: `chunks` (the /v1/files API) or `tus`. Either API can inspect it. */
  @Column({ type: 'text' })
  protocol!: string;

  @Column({ type: 'text' })
  filename!: string;

  @Column({ name: 'mime_type', type: 'text' })
  mimeType!: string;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes!: string;

  @Column({ name: 'chunk_size', type: 'integer' })
  chunkSize!: number;

  @Column({ name: 'total_chunks', type: 'integer' })
  totalChunks!: number;

  /** The SHA-256 the client said the file has (checked by the merge). */
  @Column({ name: 'declared_sha256', type: 'text', nullable: true })
  declaredSha256!: string | null;

  @Column({ name: 'conversation_id', type: 'uuid', nullable: true })
  conversationId!: string | null;

  @Column({ type: 'text', default: 'UPLOADING' })
  status!: string;

  @Column({ name: 'chunks_received', type: 'integer', default: 0 })
  chunksReceived!: number;

  @Column({ name: 'bytes_received', type: 'bigint', default: 0 })
  bytesReceived!: string;

  /** SHA-256 state after chunks 1..hashed_chunks, carried from chunk to chunk so the merge reads no bytes. */
  @Column({ name: 'hash_state', type: 'bytea', nullable: true })
  hashState!: Buffer | null;

  @Column({ name: 'hashed_chunks', type: 'integer', default: 0 })
  hashedChunks!: number;

  /** What the first bytes are (file-type), recorded with chunk 1. */
  @Column({ name: 'sniffed_mime_type', type: 'text', nullable: true })
  sniffedMimeType!: string | null;

  /** tus: bytes of the next, still partial chunk, kept as one object until the chunk fills. */
  @Column({ name: 'tail_bytes', type: 'integer', default: 0 })
  tailBytes!: number;

  @Column({ name: 'tail_key', type: 'text', nullable: true })
  tailKey!: string | null;

  /** The content's SHA-256 once COMPLETED: the blob holding the bytes. */
  @Index('IDX_file_uploads_sha256', { where: `"sha256" IS NOT NULL` })
  @Column({ type: 'text', nullable: true })
  sha256!: string | null;

  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Index('IDX_file_uploads_expiring', { where: `"status" = 'UPLOADING'` })
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @ManyToOne(() => Blob)
  @JoinColumn({ name: 'sha256', foreignKeyConstraintName: 'FK_file_uploads_blob' })
  blob?: Blob;
}
