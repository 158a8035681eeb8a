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
@Index('IDX_messages_file', ['fileId', 'conversationId'], { where: '"file_id" IS NOT NULL' })
@Check('CHK_messages_origin', `"origin" IN ('member', 'contact')`)
@Index('UQ_messages_provider_message', ['providerChannel', 'providerMessageId'], { unique: true, where: '"provider_message_id" IS NOT NULL' })
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

  /** `contact`: the external contact wrote it (arrived by webhook); its sender_id is contactSenderId(). */
  @Column({ type: 'text', default: 'member' })
  origin!: 'member' | 'contact';

  /** For a contact's message: the channel and the provider's id, unique together (one row per webhook message). */
  /** A file message's file (payload.file_id), for who may download it. */
  @Column({ name: 'file_id', type: 'uuid', nullable: true })
  fileId!: string | null;

  @Column({ name: 'provider_channel', type: 'text', nullable: true })
  providerChannel!: string | null;

  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
