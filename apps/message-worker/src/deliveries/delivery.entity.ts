import { Check, Column, CreateDateColumn, Entity, Generated, Index, PrimaryColumn, Unique } from 'typeorm';

// The worker's view of a message: where it stands on its way to the recipient (ARCHITECTURE §1:
// message-worker owns delivery state). Status only moves forward (guarded UPDATEs in the handlers).
@Entity({ name: 'deliveries' })
@Unique('UQ_deliveries_conversation_seq', ['conversationId', 'seq'])
@Check('CHK_deliveries_status', `"status" IN ('ACCEPTED', 'SENT', 'DELIVERED', 'READ', 'FAILED')`)
@Index('IDX_deliveries_processing_order', ['processingOrder'])
export class Delivery {
  @PrimaryColumn({ name: 'message_id', type: 'uuid', primaryKeyConstraintName: 'PK_deliveries' })
  messageId!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'sender_id', type: 'uuid' })
  senderId!: string;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId!: string | null;

  /** When the message was accepted by the gateway (from the event). */
  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;

  /** Increases with every processed message: the order the worker handled them in. */
  @Column({ name: 'processing_order', type: 'bigint' })
  @Generated('increment')
  processingOrder!: string;
}
