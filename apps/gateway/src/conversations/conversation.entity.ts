import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ConversationType = 'private' | 'group';

// A conversation and its sequence counter: last_seq advances by one per accepted message, under the
// row lock of the UPDATE that assigns it, so seqs are gapless and in commit order (ARCHITECTURE §2).
@Entity({ name: 'conversations' })
@Check('CHK_conversations_type', `"type" IN ('private', 'group')`)
@Check('CHK_conversations_last_seq', `"last_seq" >= 0`)
@Index('IDX_conversations_external_contact', ['channel', 'externalContact'], { where: '"external_contact" IS NOT NULL' })
export class Conversation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  type!: ConversationType;

  /** 'internal' or an external channel (whatsapp, instagram, telegram, messenger). */
  @Column({ type: 'text', default: 'internal' })
  channel!: string;

  @Column({ name: 'external_contact', type: 'text', nullable: true })
  externalContact!: string | null;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq!: string;

  /** Creation, then each accepted message: what GET /v1/conversations sorts by, newest first. */
  @Column({ name: 'last_activity_at', type: 'timestamptz', default: () => 'now()' })
  lastActivityAt!: Date;
}
