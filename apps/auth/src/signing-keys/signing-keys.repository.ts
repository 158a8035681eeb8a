import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import { SigningKey, type PublicJwk } from './signing-key.entity';

export interface NewSigningKey {
  kid: string;
  alg: string;
  publicJwk: PublicJwk;
  privateKeyPem: string;
}

// Every data access to auth.signing_keys. Methods that take `tx` run inside the caller's transaction.
@Injectable()
export class SigningKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises key creation and rotation across replicas until the transaction ends. */
  async lockKeyCreation(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('auth.signing_keys'))`);
  }

  /** The newest key that is not retired, if any. */
  async findActive(tx: EntityManager): Promise<SigningKey | null> {
    return tx.findOne(SigningKey, { where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  /** Retires every key that is not retired yet, now. */
  async retireActive(tx: EntityManager): Promise<void> {
    await tx.update(SigningKey, { retiredAt: IsNull() }, { retiredAt: new Date() });
  }

  /** Stores the key; the returned entity carries its created_at. */
  async add(tx: EntityManager, key: NewSigningKey): Promise<SigningKey> {
    const row = tx.create(SigningKey, { ...key, retiredAt: null });
    await tx.save(row);
    return row;
  }

  /** Keys not retired or retired after `retiredAfter`, newest first. */
  async findPublished(retiredAfter: Date): Promise<SigningKey[]> {
    return this.dataSource.getRepository(SigningKey).find({
      where: [{ retiredAt: IsNull() }, { retiredAt: MoreThan(retiredAfter) }],
      order: { createdAt: 'DESC' },
    });
  }
}
