import type { AuditLog, AuditRecord } from '@chat4all/audit';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ApiClient } from '../clients/api-client.entity';
import type { ClientsRepository } from '../clients/clients.repository';
import type { AuthConfig } from '../config';
import type { AccessTokenSigner } from './access-token.signer';
import type { RefreshToken } from './refresh-token.entity';
import type { NewRefreshToken, RefreshTokensRepository } from './refresh-tokens.repository';
import { TokenService } from './token.service';

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

// The rules of refresh (rotation, reuse → family revoked) and revoke (RFC 7009: client authenticates
// first, foreign tokens change nothing), over in-memory repositories.
describe('TokenService', () => {
  const client = { clientId: 'c4a_test', userId: randomUUID(), scopes: ['read'], secretHash: 'x', disabledAt: null, user: { disabledAt: null } } as unknown as ApiClient;
  let rows: RefreshToken[];
  let revokedFamilies: string[];
  let audits: AuditRecord[];
  let service: TokenService;

  beforeEach(() => {
    rows = [];
    revokedFamilies = [];
    audits = [];
    const refreshTokens = {
      findByHash: (h: string) => Promise.resolve(rows.find((r) => r.tokenHash === h) ?? null),
      findByHashForUpdate: (_tx: unknown, h: string) => Promise.resolve(rows.find((r) => r.tokenHash === h) ?? null),
      add: (_tx: unknown, t: NewRefreshToken) => (rows.push({ ...t, id: randomUUID(), consumedAt: null, revokedAt: null }), Promise.resolve()),
      consume: (_tx: unknown, id: string) => {
        const row = rows.find((r) => r.id === id);
        if (row) row.consumedAt = new Date();
        return Promise.resolve();
      },
      revokeFamily: (familyId: string) => {
        revokedFamilies.push(familyId);
        for (const r of rows) if (r.familyId === familyId) r.revokedAt ??= new Date();
        return Promise.resolve();
      },
    } as unknown as RefreshTokensRepository;
    const clients = { findWithUser: (id: string) => Promise.resolve(id === client.clientId ? client : null) } as unknown as ClientsRepository;
    const dataSource = { transaction: (fn: (tx: unknown) => Promise<unknown>) => fn({}) } as unknown as DataSource;
    const signer = { sign: () => Promise.resolve({ token: 'jwt', expiresIn: 900 }) } as unknown as AccessTokenSigner;
    const audit = { record: (r: AuditRecord) => (audits.push(r), Promise.resolve()) } as unknown as AuditLog;
    const config = { tokens: { refreshTokenTtlSeconds: 3600 } } as AuthConfig;
    service = new TokenService(dataSource, refreshTokens, clients, signer, audit, config);
  });

  function seed(token: string): RefreshToken {
    const now = new Date();
    const row = { id: randomUUID(), tokenHash: hash(token), familyId: randomUUID(), userId: client.userId, clientId: client.clientId, scope: 'read', issuedAt: now, expiresAt: new Date(now.getTime() + 60_000), consumedAt: null, revokedAt: null };
    rows.push(row);
    return row;
  }

  it('rotates: the presented token is consumed and the next one joins its family', async () => {
    const first = seed('first');
    const pair = await service.refresh('first', undefined);
    expect(first.consumedAt).toBeInstanceOf(Date);
    expect(rows.find((r) => r.tokenHash === hash(pair.refreshToken))?.familyId).toBe(first.familyId);
    expect(audits.map((a) => a.type)).toEqual(['token_refreshed']);
  });

  it('revokes the family when a consumed token is presented again', async () => {
    const first = seed('first');
    await service.refresh('first', undefined);
    await expect(service.refresh('first', undefined)).rejects.toMatchObject({ code: 'invalid_grant', description: 'refresh token was already used; its token family is revoked' });
    expect(revokedFamilies).toEqual([first.familyId]);
    expect(audits.map((a) => a.type)).toEqual(['token_refreshed', 'refresh_reuse_detected']);
  });

  it('revoke: an unauthenticated client gets invalid_client and nothing changes', async () => {
    seed('first');
    await expect(service.revoke('first', { clientId: 'c4a_unknown', clientSecret: 'guess' })).rejects.toMatchObject({ code: 'invalid_client' });
    expect(revokedFamilies).toEqual([]);
    expect(audits).toMatchObject([{ type: 'client_auth_failed', details: { reason: 'unknown client' } }]);
  });
});
