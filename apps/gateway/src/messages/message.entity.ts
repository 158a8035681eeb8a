import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';
import { Conversation } from '../conversations/conversation.entity';

export const MESSAGE_STATUSES = ['ACCEPTED', 'SENT', 'DELIVERED', 'READ', 'FAILED'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

// The message id is the client's (FR-DP-09: unique, the idempotency anchor); (conversation_id, seq)
// is unique too, so two messages can never share a place in a conversation.
@Entity({ name: 'messages' })
@Unique('UQ_messages_conversation_seq', ['conversationId', 'seq'])
@Check('CHK_messages_status', `"status" IN ('ACCEPTED', 'SENT', 'DELIVERED', 'READ', 'FAILED')`)
@Check('CHK_messages_seq', `"seq" > 0`)
@Index('IDX_messages_sender', ['senderId'])
export class Message {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'FK_messages_conversation' })
  conversation?: Conversation;

  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'sender_id', type: 'uuid' })
  senderId!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** SHA-256 of the canonical request, to tell a retry (same body) from a conflict (different body). */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  @Column({ type: 'text', default: 'ACCEPTED' })
  status!: MessageStatus;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
