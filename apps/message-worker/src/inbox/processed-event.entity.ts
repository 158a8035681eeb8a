import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

// Consumer inbox: an event's effect and this row commit together, so a redelivered event finds its
// row and is skipped (FR-DP-04, ARCHITECTURE §2 "exactly-once effects").
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn({ name: 'consumer_group', type: 'text' })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
