import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { FileUpload } from './file-upload.entity';

// A received chunk: its bytes are one object in MinIO until the merge copies them into the file.
@Entity({ name: 'file_upload_chunks' })
export class UploadChunk {
  @PrimaryColumn({ name: 'upload_id', type: 'uuid' })
  uploadId!: string;

  /** 1-based. */
  @PrimaryColumn({ name: 'chunk_number', type: 'integer' })
  chunkNumber!: number;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  @Column({ name: 'object_key', type: 'text' })
  objectKey!: string;

  /** Hex SHA-256 of the chunk, when the client sent a digest to check it against. */
  @Column({ type: 'text', nullable: true })
  sha256!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @ManyToOne(() => FileUpload, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'upload_id', foreignKeyConstraintName: 'FK_file_upload_chunks_upload' })
  upload?: FileUpload;
}
