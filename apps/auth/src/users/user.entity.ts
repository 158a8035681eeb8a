import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

// A person or system on whose behalf API clients act; tokens carry its id as sub/user_id.
@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
