import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';

export interface NewRefreshToken {
  tokenHash: string;
  familyId: string;
  userId: string;
  clientId: string;
  scope: string;
  issuedAt: Date;
  expiresAt: Date;
}

// Every data access to auth.refresh_tokens, found by the SHA-256 of the opaque value. Methods that
// take `tx` run inside the caller's transaction; those that take `m` do when given one.
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.dataSource.getRepository(RefreshToken).findOne({ where: { tokenHash } });
  }

  /** The token's row, locked (FOR UPDATE) until the transaction ends: concurrent uses of one token queue here. */
  async findByHashForUpdate(tx: EntityManager, tokenHash: string): Promise<RefreshToken | null> {
    return tx.getRepository(RefreshToken).createQueryBuilder('t').setLock('pessimistic_write').where('t.token_hash = :hash', { hash: tokenHash }).getOne();
  }

  async add(tx: EntityManager, token: NewRefreshToken): Promise<void> {
    await tx.getRepository(RefreshToken).insert(token);
  }

  /** Marks the token used: presenting it again is reuse. */
  async consume(tx: EntityManager, id: string): Promise<void> {
    await tx.getRepository(RefreshToken).update({ id }, { consumedAt: new Date() });
  }

  /** Revokes every token of the family; a token revoked before keeps its first revocation time. */
  async revokeFamily(familyId: string, m: EntityManager = this.dataSource.manager): Promise<void> {
    await m.getRepository(RefreshToken).update({ familyId }, { revokedAt: () => 'COALESCE(revoked_at, now())' });
  }
}
