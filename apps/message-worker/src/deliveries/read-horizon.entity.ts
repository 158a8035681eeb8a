import { Column, Entity, PrimaryColumn } from 'typeorm';

// Each member's read horizon as last seen on conversations.read. That topic and messages.created are
// consumed independently, so a read can arrive before the messages it covers: those are then stored
// READ when they arrive.
@Entity({ name: 'read_horizons' })
export class ReadHorizon {
  @PrimaryColumn({ name: 'conversation_id', type: 'uuid', primaryKeyConstraintName: 'PK_read_horizons' })
  conversationId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_read_horizons' })
  userId!: string;

  @Column({ name: 'read_seq', type: 'bigint' })
  readSeq!: string;
}
