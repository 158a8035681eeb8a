import { Column, Entity, PrimaryColumn } from 'typeorm';

// Each member's read and delivery horizons as last seen on conversations.read and
// conversations.delivered. Those topics and messages.created are consumed independently, so a
// horizon can arrive before the messages it covers: those are then stored DELIVERED or READ when
// they arrive.
@Entity({ name: 'member_horizons' })
export class MemberHorizon {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid', primaryKeyConstraintName: 'PK_member_horizons' })
  conversationId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_member_horizons' })
  userId!: string;

  @Column({ name: 'read_seq', type: 'bigint', default: 0 })
  readSeq!: string;

  @Column({ name: 'delivered_seq', type: 'bigint', default: 0 })
  deliveredSeq!: string;
}
