import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Conversation } from '../conversations/conversation.entity';

// The message id is the client's (FR-DP-09: unique, the idempotency anchor); (conversation_id, seq)
// is unique too, so two messages can never share a place in a conversation. A message row never
// changes after it is written: its delivery status is owned by message-worker (ARCHITECTURE §1) and
// read through its DeliveryService.
@Entity({ name: 'messages' })
@Unique('UQ_messages_conversation_seq', ['conversationId', 'seq'])
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
