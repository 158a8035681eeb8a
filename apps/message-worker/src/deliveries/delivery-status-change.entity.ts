import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Delivery } from './delivery.entity';

// One row per status a message reached: the primary key makes a repeated receipt a no-op.
@Entity({ name: 'delivery_status_history' })
export class DeliveryStatusChange {
  @PrimaryColumn({ name: 'message_id', type: 'uuid', primaryKeyConstraintName: 'PK_delivery_status_history' })
  messageId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_delivery_status_history' })
  status!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @ManyToOne(() => Delivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id', foreignKeyConstraintName: 'FK_delivery_status_history_delivery' })
  delivery?: Delivery;
}
