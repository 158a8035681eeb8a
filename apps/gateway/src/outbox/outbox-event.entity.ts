import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Transactional outbox (FR-DP-01/02): written in the same transaction as the state it announces,
// published to Kafka afterwards by outbox-relay.
@Entity({ name: 'outbox_events' })
@Index('IDX_outbox_events_unpublished', ['id'], { where: '"published_at" IS NULL' })
@Index('IDX_outbox_events_bucket_unpublished', ['bucket', 'id'], { where: '"published_at" IS NULL' })
export class OutboxEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Index('UQ_outbox_events_event_id', { unique: true })
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'partition_key', type: 'text' })
  partitionKey!: string;

  /** outboxBucket(partition_key): which relay lock covers this row. */
  @Column({ type: 'smallint', default: 0 })
  bucket!: number;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** The whole event envelope, as published. */
  @Column({ type: 'jsonb' })
  envelope!: Record<string, unknown>;

  /** W3C trace context captured when the event was written, so the trace continues through Kafka. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  headers!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
