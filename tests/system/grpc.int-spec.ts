import { createDataSource } from '@chat4all/database';
import { grpcClientOptions } from '@chat4all/platform';
import { authV1, GrpcContracts } from '@chat4all/proto';
import { adminCli, stackEnv, startApp, type RunningApp } from '@chat4all/testing';
import { ClientProxyFactory, type ClientGrpcProxy } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { firstValueFrom } from 'rxjs';

// A real gRPC call between two running apps: the gateway serves the public JWKS by asking auth's
// AuthService.GetJwks, and checks a new conversation's members with GetActiveUsers (ARCHITECTURE §1, §4).
describe('gateway → auth over gRPC', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  let client: ClientGrpcProxy;
  let authService: authV1.AuthServiceClient;
  let token: string;
  let other: string;

  beforeAll(async () => {
    auth = await startApp('auth');
    gateway = await startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } });
    client = ClientProxyFactory.create(grpcClientOptions('auth', GrpcContracts.auth, `127.0.0.1:${auth.grpcPort}`)) as unknown as ClientGrpcProxy;
    authService = client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME);
    const user = adminCli('create-user', `grpc-${randomUUID()}`);
    other = adminCli('create-user', `grpc-${randomUUID()}`).user_id;
    const credentials = adminCli('create-client', user.name);
    const res = await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.client_id, client_secret: credentials.client_secret }).toString(),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await Promise.all([auth?.stop('SIGKILL'), gateway?.stop('SIGKILL')]);
  });

  const createConversation = () =>
    fetch(`${gateway.url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'private', member_ids: [other] }),
    });

  it('serves the signing keys that auth holds, as a JWKS', async () => {
    const res = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    expect(keys.length).toBeGreaterThan(0);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });

    const ds = await createDataSource(stackEnv().database, { schema: 'auth', applicationName: 'test', entities: [], migrations: [] }).initialize();
    try {
      const rows = await ds.query<{ kid: string }[]>(`SELECT kid FROM auth.signing_keys WHERE retired_at IS NULL`);
      expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining(rows.map((r) => r.kid)));
    } finally {
      await ds.destroy();
    }
  });

  it('GetActiveUsers answers which ids are users that exist and are not disabled', async () => {
    const active = adminCli('create-user', `active-${randomUUID()}`);
    const disabled = adminCli('create-user', `disabled-${randomUUID()}`);
    adminCli('disable-user', disabled.name);
    const asked = [active.user_id.toUpperCase(), disabled.user_id, randomUUID(), 'not-a-uuid', `${active.user_id}\u0000`];
    const { activeUserIds } = await firstValueFrom(authService.getActiveUsers({ userIds: asked }));
    expect(activeUserIds).toEqual([active.user_id]);
  });

  it('GetActiveUsers takes up to 100 ids per call (a conversation of 100), INVALID_ARGUMENT beyond', async () => {
    const hundred = [other, ...Array.from({ length: 99 }, () => randomUUID())];
    expect((await firstValueFrom(authService.getActiveUsers({ userIds: hundred }))).activeUserIds).toEqual([other]);
    await expect(firstValueFrom(authService.getActiveUsers({ userIds: [...hundred, randomUUID()] }))).rejects.toMatchObject({ code: 3 });
  });

  it('IssueToken refuses a NUL in client_id as invalid_request, whoever calls it (its SQL would fail)', async () => {
    const call = firstValueFrom(authService.issueToken({ clientId: 'c\u0000', clientSecret: 's', scope: '', remoteIp: '' }));
    await expect(call).rejects.toMatchObject({ code: 3, details: expect.stringContaining('"error":"invalid_request"') });
  });

  it('answers 503 problem+json when auth is down', async () => {
    // The gateway has verified a token already: its signing keys stay cached while auth is away.
    expect((await createConversation()).status).toBe(201);
    await auth.stop('SIGKILL');
    const res = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/auth-unavailable', status: 503 });
  });

  it('answers a new conversation 503 service-unavailable with Retry-After while auth cannot say who its members are', async () => {
    const res = await createConversation();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/service-unavailable', status: 503 });
  });
});
