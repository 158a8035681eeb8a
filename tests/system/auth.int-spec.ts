import { createDataSource } from '@chat4all/database';
import { adminCli, stackEnv, startApp, type RunningApp } from '@chat4all/testing';
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import type { DataSource } from 'typeorm';

interface CreatedClient {
  client_id: string;
  client_secret: string;
  user_id: string;
}

// The admin CLI, as an operator runs it; it prints one JSON document.
function admin(...args: string[]): unknown {
  return adminCli<unknown>(...args);
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('identity: OAuth 2.0 client credentials and bearer tokens', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  let db: DataSource;
  let client: CreatedClient;
  let signingKey: { kid: string; private_key_pem: string };

  beforeAll(async () => {
    auth = await startApp('auth');
    gateway = await startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } });
    const user = `user-${randomUUID()}`;
    admin('create-user', user);
    client = admin('create-client', user, '--scopes', 'read,write') as CreatedClient;
    db = await createDataSource(stackEnv().database, { schema: 'auth', applicationName: 'test', entities: [], migrations: [] }).initialize();
    [signingKey] = await db.query<{ kid: string; private_key_pem: string }[]>(
      `SELECT kid, private_key_pem FROM auth.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1`,
    );
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    await Promise.all([auth?.stop('SIGKILL'), gateway?.stop('SIGKILL')]);
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

  async function issue(): Promise<{ access_token: string; refresh_token: string }> {
    const res = await post('/auth/token', form({ grant_type: 'client_credentials' }), { authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(200);
    return (await res.json()) as { access_token: string; refresh_token: string };
  }

  const me = (token: string) => fetch(`${gateway.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  const auditCount = async (type: string, clientId: string) =>
    Number((await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM auth.audit_events WHERE type = $1 AND client_id = $2`, [type, clientId]))[0]?.n);

  it('issues a token for valid credentials that works on a protected route', async () => {
    const res = await post('/auth/token', form({ grant_type: 'client_credentials' }), { authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'read write' });
    expect(body.refresh_token).toEqual(expect.any(String));

    const whoami = await me(body.access_token as string);
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toMatchObject({ user_id: client.user_id, client_id: client.client_id, tenant_id: 'chat4all', scopes: ['read', 'write'] });
    expect(await auditCount('token_issued', client.client_id)).toBeGreaterThan(0);
  });

  it('accepts a JSON body with the credentials in it, and narrows the scope on request', async () => {
    const res = await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope: 'read' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ scope: 'read' });
  });

  it('answers a wrong secret with 401 invalid_client and records it', async () => {
    const res = await post('/auth/token', form({ grant_type: 'client_credentials' }), { authorization: basic(client.client_id, 'not-the-secret') });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="chat4all"');
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(await auditCount('client_auth_failed', client.client_id)).toBeGreaterThan(0);
  });

  it.each([
    ['an unsupported grant', 'unsupported_grant_type', { grant_type: 'password' }],
    ['no grant_type', 'invalid_request', {}],
    ['an unknown scope', 'invalid_scope', { grant_type: 'client_credentials', scope: 'read superuser' }],
    ['a scope the client lacks', 'invalid_scope', { grant_type: 'client_credentials', scope: 'admin' }],
  ])('answers %s with 400 %s', async (_name, error, fields) => {
    const res = await post('/auth/token', form(fields), { authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error });
  });

  describe('rejects bad access tokens with 401 and WWW-Authenticate', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = () => ({ user_id: client.user_id, tenant_id: 'chat4all', scope: 'read write', client_id: client.client_id });
    const sign = async (build: (jwt: SignJWT) => SignJWT, key?: { kid: string; pem: string }) => {
      const k = key ?? { kid: signingKey.kid, pem: signingKey.private_key_pem };
      const base = new SignJWT(claims())
        .setProtectedHeader({ alg: 'ES256', kid: k.kid, typ: 'at+jwt' })
        .setSubject(client.user_id)
        .setIssuer('https://auth.chat4all.local')
        .setAudience('chat4all-api')
        .setIssuedAt(now())
        .setExpirationTime(now() + 600)
        .setJti(randomUUID());
      return build(base).sign(await importPKCS8(k.pem, 'ES256'));
    };

    it('accepts a token the test signs correctly (the forgeries below differ in one way each)', async () => {
      expect((await me(await sign((j) => j))).status).toBe(200);
    });

    it.each<[string, () => Promise<string>]>([
      ['expired', () => sign((j) => j.setIssuedAt(now() - 3600).setExpirationTime(now() - 120))],
      [
        'tampered',
        async () => {
          const [h, , s] = (await sign((j) => j)).split('.');
          return `${h}.${b64url({ ...claims(), sub: randomUUID(), scope: 'read write admin', exp: now() + 600 })}.${s}`;
        },
      ],
      ['alg none', () => Promise.resolve(`${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url({ ...claims(), sub: client.user_id, exp: now() + 600 })}.`)],
      [
        'HS256 signed with the public key',
        async () => {
          const publicPem = createPublicKey(signingKey.private_key_pem).export({ format: 'pem', type: 'spki' }).toString();
          return new SignJWT(claims())
            .setProtectedHeader({ alg: 'HS256', kid: signingKey.kid, typ: 'at+jwt' })
            .setSubject(client.user_id)
            .setIssuer('https://auth.chat4all.local')
            .setAudience('chat4all-api')
            .setIssuedAt()
            .setExpirationTime('10m')
            .setJti(randomUUID())
            .sign(new TextEncoder().encode(publicPem));
        },
      ],
      ['for another audience', () => sign((j) => j.setAudience('someone-else'))],
      [
        'signed by an unknown key',
        () => {
          const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
          return sign((j) => j, { kid: 'unknown-kid', pem });
        },
      ],
    ])('%s', async (_name, forge) => {
      const res = await me(await forge());
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="chat4all", error="invalid_token"/);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it('records every refused token in the gateway audit log', async () => {
      const before = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM gateway.audit_events WHERE type = 'access_token_rejected'`);
      await me('garbage');
      const after = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM gateway.audit_events WHERE type = 'access_token_rejected'`);
      expect(Number(after[0]?.n)).toBe(Number(before[0]?.n) + 1);
    });
  });

  it('refresh returns a new pair; the used refresh token presented again revokes the whole family', async () => {
    const first = await issue();
    const refreshed = await post('/auth/refresh', form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await me(second.access_token)).status).toBe(200);

    const reuse = await post('/auth/refresh', form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    // The family is gone: the newest token of it no longer works either.
    const after = await post('/auth/refresh', form({ grant_type: 'refresh_token', refresh_token: second.refresh_token }));
    expect(await after.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await auditCount('refresh_reuse_detected', client.client_id)).toBeGreaterThan(0);
  });

  it('revoke (client authenticated) then refresh → invalid_grant; revoking an unknown token still answers 200', async () => {
    const pair = await issue();
    const auth = { authorization: basic(client.client_id, client.client_secret) };
    const revoked = await post('/auth/revoke', form({ token: pair.refresh_token, token_type_hint: 'refresh_token' }), auth);
    expect(revoked.status).toBe(200);
    const refresh = await post('/auth/refresh', form({ refresh_token: pair.refresh_token }));
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await post('/auth/revoke', form({ token: 'never-issued' }), auth)).status).toBe(200);
    expect(await auditCount('token_revoked', client.client_id)).toBeGreaterThan(0);
  });

  // RFC 7009 §2.1: revocation needs the client's own credentials and touches only that client's tokens.
  it('revoke without client authentication, with a wrong secret, or by another client leaves the token usable', async () => {
    const pair = await issue();
    const stranger = admin('create-client', (admin('create-user', `stranger-${randomUUID()}`) as { name: string }).name) as CreatedClient;
    const anonymous = await post('/auth/revoke', form({ token: pair.refresh_token }));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'invalid_client' });
    const wrongSecret = await post('/auth/revoke', form({ token: pair.refresh_token }), { authorization: basic(client.client_id, 'not-the-secret') });
    expect(wrongSecret.status).toBe(401);
    const foreign = await post('/auth/revoke', form({ token: pair.refresh_token }), { authorization: basic(stranger.client_id, stranger.client_secret) });
    expect(foreign.status).toBe(200);
    const refresh = await post('/auth/refresh', form({ refresh_token: pair.refresh_token }));
    expect(refresh.status).toBe(200);
  });

  it('answers a token without the route’s scope with 403 insufficient_scope', async () => {
    const user = `writer-${randomUUID()}`;
    admin('create-user', user);
    const writer = admin('create-client', user, '--scopes', 'write') as CreatedClient;
    const res = await post('/auth/token', form({ grant_type: 'client_credentials' }), { authorization: basic(writer.client_id, writer.client_secret) });
    const { access_token } = (await res.json()) as { access_token: string };
    const denied = await me(access_token);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="read"/);
  });

  it('keeps verifying tokens signed by a rotated-out key; the JWKS publishes both keys', async () => {
    const before = await issue();
    const rotated = admin('rotate-signing-key') as { kid: string };
    expect(rotated.kid).not.toBe(signingKey.kid);
    const { keys } = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining([signingKey.kid, rotated.kid]));
    expect((await me(before.access_token)).status).toBe(200);
  });

  it('refuses a disabled client', async () => {
    const user = `disabled-${randomUUID()}`;
    admin('create-user', user);
    const c = admin('create-client', user) as CreatedClient;
    admin('disable-client', c.client_id);
    const res = await post('/auth/token', form({ grant_type: 'client_credentials' }), { authorization: basic(c.client_id, c.client_secret) });
    expect(res.status).toBe(401);
  });
});
