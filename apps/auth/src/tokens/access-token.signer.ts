import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { SIGNING_ALG, SigningKeysService } from '../signing-keys/signing-keys.service';

export interface AccessTokenSubject {
  userId: string;
  clientId: string;
  scope: string;
  /** The refresh-token family the token belongs to: revoking the family ends the token too (`sid`). */
  sessionId: string;
}

// Access tokens are ES256 JWTs (FR-AUTH-02/03): sub and user_id, tenant_id, scope, client_id, jti,
// iss, aud, iat, exp, and sid (the refresh-token family, so a revoked family's access tokens are
// refused too, see ListRevocations); `kid` names the key, so verifiers pick it from the JWKS.
@Injectable()
export class AccessTokenSigner {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async sign(subject: AccessTokenSubject, now = new Date()): Promise<{ token: string; expiresIn: number }> {
    const active = await this.keys.activeKey();
    const key = await importPKCS8(active.privateKeyPem, SIGNING_ALG);
    const iat = Math.floor(now.getTime() / 1000);
    const { accessTokenTtlSeconds: ttl, issuer, audience, tenantId } = this.config.tokens;
    const token = await new SignJWT({
      user_id: subject.userId,
      tenant_id: tenantId,
      scope: subject.scope,
      client_id: subject.clientId,
      sid: subject.sessionId,
    })
      .setProtectedHeader({ alg: SIGNING_ALG, kid: active.kid, typ: 'at+jwt' })
      .setSubject(subject.userId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(randomUUID())
      .sign(key);
    return { token, expiresIn: ttl };
  }
}
