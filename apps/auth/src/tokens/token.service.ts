import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '@chat4all/audit';
import type { ApiClient } from '../clients/api-client.entity';
import { DUMMY_SECRET_HASH, verifyClientSecret } from '../clients/client-secret';
import { ClientsRepository } from '../clients/clients.repository';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { AccessTokenSigner } from './access-token.signer';
import { OAuthError } from './oauth-error';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { grantScopes } from './scopes';

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  scope: string;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

@Injectable()
export class TokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly clients: ClientsRepository,
    private readonly signer: AccessTokenSigner,
    private readonly audit: AuditLog,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** RFC 6749 §4.4: client credentials grant. */
  async issue(credentials: ClientCredentials, requestedScope: string | undefined, remoteIp?: string): Promise<TokenPair> {
    const client = await this.authenticateClient(credentials, remoteIp);
    const scope = grantScopes(requestedScope, client.scopes);
    const pair = await this.dataSource.transaction((tx) => this.issuePair(tx, client.userId, client.clientId, scope, randomUUID()));
    await this.audit.record({ type: 'token_issued', outcome: 'success', clientId: client.clientId, userId: client.userId, remoteIp, details: { scope } });
    return pair;
  }

  /** RFC 6749 §6 with rotation: the presented token is consumed; a consumed token presented again revokes its family. */
  async refresh(refreshToken: string, clientId: string | undefined, remoteIp?: string): Promise<TokenPair> {
    if (!refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required');
    const outcome = await this.dataSource.transaction(async (tx) => {
      const row = await this.refreshTokens.findByHashForUpdate(tx, hashToken(refreshToken));
      if (!row) return { kind: 'rejected' as const, reason: 'unknown refresh token' };
      if (clientId && clientId !== row.clientId) return { kind: 'rejected' as const, reason: 'refresh token was issued to another client', row };
      if (row.consumedAt) {
        // Reuse of a rotated token: someone holds a copy. Cut off the whole family (issue 3).
        await this.refreshTokens.revokeFamily(row.familyId, tx);
        return { kind: 'reused' as const, row };
      }
      if (row.revokedAt) return { kind: 'rejected' as const, reason: 'refresh token was revoked', row };
      if (row.expiresAt.getTime() <= Date.now()) return { kind: 'rejected' as const, reason: 'refresh token expired', row };
      const client = await this.clients.findWithUser(row.clientId, tx);
      if (!client || client.disabledAt || client.user?.disabledAt) return { kind: 'rejected' as const, reason: 'client is disabled', row };
      await this.refreshTokens.consume(tx, row.id);
      return { kind: 'issued' as const, pair: await this.issuePair(tx, row.userId, row.clientId, row.scope, row.familyId), row };
    });

    if (outcome.kind === 'issued') {
      await this.audit.record({ type: 'token_refreshed', outcome: 'success', clientId: outcome.row.clientId, userId: outcome.row.userId, remoteIp });
      return outcome.pair;
    }
    if (outcome.kind === 'reused') {
      await this.audit.record({
        type: 'refresh_reuse_detected',
        outcome: 'failure',
        clientId: outcome.row.clientId,
        userId: outcome.row.userId,
        remoteIp,
        details: { family_id: outcome.row.familyId },
      });
      throw new OAuthError('invalid_grant', 'refresh token was already used; its token family is revoked');
    }
    await this.audit.record({
      type: 'refresh_rejected',
      outcome: 'failure',
      clientId: outcome.row?.clientId ?? clientId,
      userId: outcome.row?.userId,
      remoteIp,
      details: { reason: outcome.reason },
    });
    throw new OAuthError('invalid_grant', outcome.reason);
  }

  /**
   * RFC 7009: revokes a refresh token of the authenticated client, and its family; unknown or foreign
   * tokens succeed too, changing nothing. Access tokens are
   * self-contained JWTs that expire within 15 minutes; presenting one here is accepted and ignored.
   */
  async revoke(token: string, credentials: ClientCredentials, remoteIp?: string): Promise<void> {
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    // RFC 7009 §2.1: the client authenticates first (invalid_client otherwise, and nothing changes).
    const client = await this.authenticateClient(credentials, remoteIp);
    const row = await this.refreshTokens.findByHash(hashToken(token));
    // A client may only revoke its own tokens; another client's token is treated as unknown: 200, unchanged.
    if (!row || client.clientId !== row.clientId) return;
    await this.refreshTokens.revokeFamily(row.familyId);
    await this.audit.record({ type: 'token_revoked', outcome: 'success', clientId: row.clientId, userId: row.userId, remoteIp, details: { family_id: row.familyId } });
  }

  private async authenticateClient(credentials: ClientCredentials, remoteIp?: string): Promise<ApiClient> {
    if (!credentials.clientId || !credentials.clientSecret) throw new OAuthError('invalid_client', 'client authentication is required');
    const client = await this.clients.findWithUser(credentials.clientId);
    const secretOk = await verifyClientSecret(credentials.clientSecret, client?.secretHash ?? DUMMY_SECRET_HASH);
    const usable = client && secretOk && !client.disabledAt && !client.user?.disabledAt;
    if (!usable) {
      const reason = !client ? 'unknown client' : !secretOk ? 'wrong secret' : 'client disabled';
      await this.audit.record({ type: 'client_auth_failed', outcome: 'failure', clientId: credentials.clientId, remoteIp, details: { reason } });
      throw new OAuthError('invalid_client', 'client authentication failed');
    }
    return client;
  }

  private async issuePair(tx: EntityManager, userId: string, clientId: string, scope: string, familyId: string): Promise<TokenPair> {
    const now = new Date();
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refreshTokens.add(tx, {
      tokenHash: hashToken(refreshToken),
      familyId,
      userId,
      clientId,
      scope,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + this.config.tokens.refreshTokenTtlSeconds * 1000),
    });
    const access = await this.signer.sign({ userId, clientId, scope, sessionId: familyId }, now);
    return { accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn, refreshToken, scope };
  }
}
