import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
}

// Asymmetric token-signing keys (ES256). Retired keys stay published in the JWKS until every token
// they signed has expired, so rotation never invalidates a live token (issue 3).
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  @Column({ type: 'text' })
  alg!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: PublicJwk;

  @Column({ name: 'private_key_pem', type: 'text' })
  privateKeyPem!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
