import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

// What the connector did with each outbound message, written once its provider answered for good:
// a redelivered outbound event finds its row and is not sent twice, and a receipt naming the
// provider's id finds our message (connectors own provider message ids, ARCHITECTURE §1).
@Entity({ name: 'sent_messages' })
@Check('CHK_sent_messages_outcome', `"outcome" IN ('sent', 'failed')`)
@Check('CHK_sent_messages_thread_status', `"thread_status" IN ('DELIVERED', 'READ')`)
@Index('IDX_sent_messages_thread', ['channel', 'externalContact', 'sendStartedAt'])
@Index('UQ_sent_messages_provider_message', ['channel', 'providerMessageId'], { unique: true, where: '"provider_message_id" IS NOT NULL' })
export class SentMessage {
  @PrimaryColumn({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @Column({ name: 'external_contact', type: 'text' })
  externalContact!: string;

  @Column({ type: 'text' })
  outcome!: 'sent' | 'failed';

  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ type: 'integer' })
  attempts!: number;

  /** Its status event (SENT or FAILED) is on messages.status. */
  @Column({ name: 'status_published', type: 'boolean', default: false })
  statusPublished!: boolean;

  /** When the attempt that settled it began: never later than the provider's own time for the message. */
  @Column({ name: 'send_started_at', type: 'timestamptz' })
  sendStartedAt!: Date;

  /** The furthest status a thread receipt (a watermark) reported for it. */
  @Column({ name: 'thread_status', type: 'text', nullable: true })
  threadStatus!: 'DELIVERED' | 'READ' | null;

  /** The W3C traceparent of the send: the receipts that follow publish their statuses in the message's trace. */
  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;

  @Column({ name: 'finished_at', type: 'timestamptz', default: () => 'now()' })
  finishedAt!: Date;
}
