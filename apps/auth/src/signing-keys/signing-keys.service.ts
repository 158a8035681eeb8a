import { isPermanentPostgresError } from '@chat4all/database';
import { startup } from '@chat4all/platform';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { createHash, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { PublicJwk, SigningKey } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

export const SIGNING_ALG = 'ES256';
// Tokens live 15 minutes (FR-AUTH-02); a retired key stays published a while longer than that.
const RETIRED_KEY_PUBLISHED_MS = 60 * 60 * 1000;

export interface Jwk extends PublicJwk {
  kid: string;
  use: 'sig';
  alg: string;
}

// RFC 7638 thumbprint as kid: stable, derived from the key itself.
function thumbprint(jwk: PublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

@Injectable()
export class SigningKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SigningKeysService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeysRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await startup.step('postgres', 'signing key', () => this.ensureActiveKey(), { isPermanent: isPermanentPostgresError });
  }

  /** Creates the first key if there is none; replicas starting together agree through a lock. */
  async ensureActiveKey(): Promise<SigningKey> {
    return this.dataSource.transaction(async (tx) => {
      await this.keys.lockKeyCreation(tx);
      const active = await this.keys.findActive(tx);
      return active ?? this.createKey(tx);
    });
  }

  /**
   * Retires the active key and makes a new one. The retired key stays in the JWKS for
   * RETIRED_KEY_PUBLISHED_MS, longer than any token it signed lives, so no live token breaks.
   */
  async rotate(): Promise<SigningKey> {
    return this.dataSource.transaction(async (tx) => {
      await this.keys.lockKeyCreation(tx);
      await this.keys.retireActive(tx);
      return this.createKey(tx);
    });
  }

  private async createKey(tx: EntityManager): Promise<SigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as Required<Pick<JsonWebKey, 'kty' | 'crv' | 'x' | 'y'>>;
    const publicJwk: PublicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
    const key = await this.keys.add(tx, {
      kid: thumbprint(publicJwk),
      alg: SIGNING_ALG,
      publicJwk,
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    });
    this.logger.log({ kid: key.kid, message: 'created signing key' });
    return key;
  }

  private cached?: { key: SigningKey; until: number };

  /** The key that signs new tokens; re-read every minute so a rotation reaches every replica. */
  async activeKey(): Promise<SigningKey> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.key;
    const key = await this.ensureActiveKey();
    this.cached = { key, until: Date.now() + 60_000 };
    return key;
  }

  async publishedKeys(now = new Date()): Promise<Jwk[]> {
    const keys = await this.keys.findPublished(new Date(now.getTime() - RETIRED_KEY_PUBLISHED_MS));
    return keys.map((k) => ({ ...k.publicJwk, kid: k.kid, use: 'sig', alg: k.alg }));
  }
}
