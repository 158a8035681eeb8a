import { Column, Entity, PrimaryColumn } from 'typeorm';

// One stored object per distinct content (US4 AS5, dedup): every COMPLETED upload with this SHA-256
// refers to it; the object goes when the last of them does.
@Entity({ name: 'blobs' })
export class Blob {
  @PrimaryColumn({ type: 'text' })
  sha256!: string;

  @Column({ name: 'object_key', type: 'text' })
  objectKey!: string;

  @Column({ name: 'size_bytes', type: 'bigint' })
  sizeBytes!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
