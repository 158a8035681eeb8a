import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// The latest thread receipt (Messenger's watermark, Instagram's "seen up to") of each contact and
// status. A thread receipt can overtake our record of a send it covers (the provider's webhook races
// its own API answer): recording that send applies the kept receipt to it, so the last message of a
// thread is not left short of the status no later receipt will report.
@Entity({ name: 'thread_receipts' })
export class LatestThreadReceipt {
  @PrimaryColumn({ type: 'text' })
  channel!: string;

  @PrimaryColumn({ name: 'external_contact', type: 'text' })
  externalContact!: string;

  @PrimaryColumn({ type: 'text' })
  status!: string;

  /** A watermark: every message whose send began by then. */
  @Column({ name: 'sent_by', type: 'timestamptz', nullable: true })
  sentBy!: Date | null;

  /** Or a message: every message whose send began by that one's. */
  @Column({ name: 'through_provider_message_id', type: 'text', nullable: true })
  throughProviderMessageId!: string | null;

  /** When the provider says it happened. */
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Index('IDX_thread_receipts_received_at')
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
