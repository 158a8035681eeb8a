import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Conversation } from './conversation.entity';

// Membership plus each member's read and delivery horizons, which only move forward (FR-API-05).
@Entity({ name: 'conversation_members' })
@Index('IDX_conversation_members_user', ['userId'])
@Check('CHK_conversation_members_read_seq', `"read_seq" >= 0`)
@Check('CHK_conversation_members_delivered_seq', `"delivered_seq" >= 0`)
export class ConversationMember {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid' })
  conversationId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => Conversation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id', foreignKeyConstraintName: 'FK_conversation_members_conversation' })
  conversation?: Conversation;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;

  @Column({ name: 'read_seq', type: 'bigint', default: 0 })
  readSeq!: string;

  @Column({ name: 'delivered_seq', type: 'bigint', default: 0 })
  deliveredSeq!: string;
}
