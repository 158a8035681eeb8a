import type { RevocationList } from './revocation-list';
import { createLocalJWKSet, errors, jwtVerify, type CryptoKey, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface JwksSource {
  fetch(): Promise<JSONWebKeySet>;
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Tolerated clock difference for exp/nbf/iat, in seconds. */
  clockToleranceSeconds: number;
  jwks: JwksSource;
  /** Keys are re-read at most this often when a token names an unknown kid (rotation). */
  unknownKidRefreshMs?: number;
  /** And at least this often otherwise, so retired keys drop out. */
  maxKeyAgeMs?: number;
  /** Tokens of disabled users and clients and of revoked sessions, refused before they expire. */
  revocations?: Pick<RevocationList, 'ready' | 'isRevoked'>;
  /**
   * How many verified tokens are remembered (0: none), so a client's next request with the same token
   * skips the ES256 signature check (~0.4 ms of CPU, the gateway's largest cost per message after its
   * database round trips). Expiry and revocation are still checked on every use; the whole cache is
   * dropped whenever the signing keys are re-read.
   */
  verifiedCacheSize?: number;
}

export interface Principal {
  userId: string;
  clientId: string;
  tenantId: string;
  scopes: string[];
  tokenId: string;
  issuedAt: Date;
  expiresAt: Date;
  /** The refresh-token family (`sid`); absent from tokens issued before sessions were named. */
  sessionId?: string;
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/** No signing keys, or no revocation list, could be loaded (auth unreachable and nothing cached): not the caller's fault. */
export class KeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`token verification unavailable: ${String(cause)}`);
    this.name = 'KeysUnavailableError';
  }
}

// Only this algorithm is accepted: no `none`, no HMAC with the public key (algorithm confusion).
export const ACCEPTED_ALGORITHMS = ['ES256'];

// Verifies access tokens locally against the cached JWKS: no call to auth per request (issue 3).
export class TokenVerifier {
  private keys?: { resolve: ReturnType<typeof createLocalJWKSet>; fetchedAt: number };
  private refreshing?: Promise<void>;
  private lastUnknownKidRefresh = 0;
  /** Verified tokens and what they said, oldest first (evicted in insertion order). */
  private readonly verified = new Map<string, Principal>();

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    const principal = known && Date.now() <= this.endOf(known).getTime() ? known : await this.verifySignature(token);
    if (this.options.revocations) {
      try {
        await this.options.revocations.ready();
      } catch (error) {
        throw new KeysUnavailableError(error);
      }
      if (this.options.revocations.isRevoked(principal)) throw new InvalidTokenError('token revoked');
    }
    return principal;
  }

  private async verifySignature(token: string): Promise<Principal> {
    this.verified.delete(token); // expired, if it was there
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header, input) => this.resolveKey(header, input), {
        algorithms: ACCEPTED_ALGORITHMS,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds,
        typ: 'at+jwt',
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      }));
    } catch (error) {
      if (error instanceof KeysUnavailableError) throw error;
      throw new InvalidTokenError(describe(error));
    }
    const claims = payload as JWTPayload & { user_id?: unknown; client_id?: unknown; tenant_id?: unknown; scope?: unknown; sid?: unknown };
    if (typeof claims.client_id !== 'string' || typeof claims.scope !== 'string' || typeof claims.tenant_id !== 'string') {
      throw new InvalidTokenError('token lacks client_id, tenant_id or scope');
    }
    const principal: Principal = {
      userId: typeof claims.user_id === 'string' ? claims.user_id : (claims.sub as string),
      clientId: claims.client_id,
      tenantId: claims.tenant_id,
      scopes: claims.scope.split(' ').filter(Boolean),
      tokenId: claims.jti as string,
      issuedAt: new Date((claims.iat as number) * 1000),
      expiresAt: new Date((claims.exp as number) * 1000),
      ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
    };
    const max = this.options.verifiedCacheSize ?? 0;
    if (max > 0) {
      this.verified.set(token, principal);
      if (this.verified.size > max) this.verified.delete(this.verified.keys().next().value as string);
    }
    return principal;
  }

  /** When a connection authenticated with `principal` must end: its expiry plus the tolerated clock skew. */
  endOf(principal: Pick<Principal, 'expiresAt'>): Date {
    return new Date(principal.expiresAt.getTime() + this.options.clockToleranceSeconds * 1000);
  }

  private async resolveKey(...args: Parameters<JWTVerifyGetKey>): Promise<CryptoKey> {
    const maxAge = this.options.maxKeyAgeMs ?? 5 * 60_000;
    if (!this.keys || Date.now() - this.keys.fetchedAt > maxAge) await this.refresh();
    try {
      return await this.currentKeys().resolve(...args);
    } catch (error) {
      const throttle = this.options.unknownKidRefreshMs ?? 30_000;
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - this.lastUnknownKidRefresh < throttle) throw error;
      this.lastUnknownKidRefresh = Date.now();
      await this.refresh();
      return this.currentKeys().resolve(...args);
    }
  }

  private currentKeys(): { resolve: ReturnType<typeof createLocalJWKSet> } {
    if (!this.keys) throw new KeysUnavailableError('no keys loaded');
    return this.keys;
  }

  private refresh(): Promise<void> {
    // One fetch at a time however many requests miss together. A failed fetch keeps the keys we have
    // (auth briefly down must not log everyone out); with none cached it is a 503, not a 401.
    this.refreshing ??= this.options.jwks
      .fetch()
      .then((set) => {
        this.keys = { resolve: createLocalJWKSet(set), fetchedAt: Date.now() };
        this.verified.clear(); // a key may have been withdrawn: its tokens are checked again
      })
      .catch((error: unknown) => {
        if (!this.keys) throw new KeysUnavailableError(error);
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} is invalid`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed token';
  return 'token could not be verified';
}
