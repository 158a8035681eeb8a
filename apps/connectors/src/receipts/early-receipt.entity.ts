import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// A provider receipt that arrived before our record of its send (connectors.sent_messages): parked
// here, durably, so the webhook can be acknowledged, and published as soon as the send is recorded.
@Entity({ name: 'early_receipts' })
export class EarlyReceipt {
  @PrimaryColumn({ type: 'text' })
  channel!: string;

  @PrimaryColumn({ name: 'provider_message_id', type: 'text' })
  providerMessageId!: string;

  @PrimaryColumn({ type: 'text' })
  status!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** When the provider says it happened. */
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Index('IDX_early_receipts_received_at')
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}
