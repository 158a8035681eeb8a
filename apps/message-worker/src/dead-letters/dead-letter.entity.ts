import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

// An event the worker gave up on after its retries (FR-DP-06), kept as it was on the topic so an
// operator can replay it unchanged. One row per source record, however often it fails.
@Entity({ name: 'dead_letters' })
@Unique('UQ_dead_letters_source', ['sourceTopic', 'sourcePartition', 'sourceOffset'])
export class DeadLetter {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'PK_dead_letters' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId!: string | null;

  @Column({ name: 'source_topic', type: 'text' })
  sourceTopic!: string;

  @Column({ name: 'source_partition', type: 'integer' })
  sourcePartition!: number;

  @Column({ name: 'source_offset', type: 'bigint' })
  sourceOffset!: string;

  @Column({ name: 'record_key', type: 'text', nullable: true })
  recordKey!: string | null;

  @Column({ type: 'text' })
  value!: string;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @CreateDateColumn({ name: 'failed_at', type: 'timestamptz' })
  failedAt!: Date;

  @Column({ name: 'replayed_at', type: 'timestamptz', nullable: true })
  replayedAt!: Date | null;

  @Column({ name: 'replayed_by', type: 'text', nullable: true })
  replayedBy!: string | null;
}
