import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Transactional outbox (FR-DP-01/02): written in the same transaction as the state it announces,
// published to Kafka afterwards by outbox-relay, which deletes each row in the transaction that
// published it. The table lives in the gateway's schema (the gateway owns it; the relay drains it).
@Entity({ name: 'outbox_events' })
@Index('IDX_outbox_events_bucket', ['bucket', 'id'])
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
}
