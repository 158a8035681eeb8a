import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Refresh tokens (FR-AUTH-09): stored as a SHA-256 of the opaque value. Each use consumes the token
// and issues the next one in the same family; presenting a consumed token revokes the family.
@Entity({ name: 'refresh_tokens' })
@Index('IDX_refresh_tokens_revoked_at', ['revokedAt'], { where: '"revoked_at" IS NOT NULL' })
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('UQ_refresh_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Index('IDX_refresh_tokens_family')
  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
