import { createDataSource } from '@chat4all/database';
import { stackEnv, startApp, type RunningApp } from '@chat4all/testing';

// A real gRPC call between two running apps: the gateway serves the public JWKS by asking auth's
// AuthService.GetJwks (ARCHITECTURE §1, §4).
describe('gateway → auth over gRPC', () => {
  let auth: RunningApp;
  let gateway: RunningApp;

  beforeAll(async () => {
    auth = await startApp('auth');
    gateway = await startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([auth?.stop('SIGKILL'), gateway?.stop('SIGKILL')]);
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

  it('answers 503 problem+json when auth is down', async () => {
    await auth.stop('SIGKILL');
    const res = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/auth-unavailable', status: 503 });
  });
});
