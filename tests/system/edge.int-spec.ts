import { freePort, startApp, type AppName, type RunningApp } from '@chat4all/testing';

// What the edge sees (issue 16): security headers on every answer, and health and metrics only on
// the internal listener, never on the public port that a load balancer or the Internet reaches.
const INTERNAL_PATHS = ['/health/live', '/health/ready', '/metrics'];
const PUBLIC_APPS = ['gateway', 'realtime', 'connectors'] as const;

function expectSecurityHeaders(res: Response): void {
  expect({
    'x-content-type-options': res.headers.get('x-content-type-options'),
    'referrer-policy': res.headers.get('referrer-policy'),
    'content-security-policy': res.headers.get('content-security-policy'),
    'x-frame-options': res.headers.get('x-frame-options'),
    'x-powered-by': res.headers.get('x-powered-by'),
  }).toEqual({
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none';frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-powered-by': null,
  });
}

async function expectNotFoundProblem(res: Response): Promise<void> {
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/not-found', status: 404 });
}

describe('the public edge of the running apps', () => {
  const apps = new Map<AppName, RunningApp>();
  const app = (name: AppName) => apps.get(name) as RunningApp;

  beforeAll(async () => {
    const auth = await startApp('auth');
    const env = { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` };
    const gateway = await startApp('gateway', { env });
    const [realtime, connectors] = await Promise.all([
      startApp('realtime', { env: { ...env, MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}` } }),
      startApp('connectors', { env: { CONNECTORS_SIMULATE: 'true' } }),
    ]);
    for (const a of [auth, gateway, realtime, connectors]) apps.set(a.name, a);
  }, 90_000);

  afterAll(async () => {
    // SIGTERM: connectors leave their consumer groups (a killed member holds its partitions until its session expires).
    await Promise.all([...apps.values()].map((a) => a.stop('SIGTERM')));
  });

  it('gateway: a 200 and a problem+json error carry the security headers (no HSTS over plain HTTP)', async () => {
    const ok = await fetch(`${app('gateway').url}/.well-known/jwks.json`);
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok);
    expect(ok.headers.get('strict-transport-security')).toBeNull();

    const refused = await fetch(`${app('gateway').url}/v1/me`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectSecurityHeaders(refused);
  });

  it('realtime: its readiness 200 and a problem+json error of its public port carry the security headers', async () => {
    const ready = await fetch(`${app('realtime').internalUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expectSecurityHeaders(ready);

    // /ws without an Upgrade is an ordinary HTTP request, answered by the app.
    const plain = await fetch(`${app('realtime').url}/ws`);
    expectSecurityHeaders(plain);
    await expectNotFoundProblem(plain);
  });

  it.each(PUBLIC_APPS)('%s: /health/* and /metrics answer on the internal port and 404 problem+json on the public port', async (name) => {
    const live = await fetch(`${app(name).internalUrl}/health/live`);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app(name).internalUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
    const metrics = await fetch(`${app(name).internalUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^process_cpu_user_seconds_total\{service="[\w-]+"\} /m);

    for (const path of INTERNAL_PATHS) {
      const res = await fetch(`${app(name).url}${path}`);
      expectSecurityHeaders(res);
      await expectNotFoundProblem(res);
    }
  });

  it('the internal port does not serve the API', async () => {
    await expectNotFoundProblem(await fetch(`${app('gateway').internalUrl}/v1/me`));
    await expectNotFoundProblem(await fetch(`${app('gateway').internalUrl}/.well-known/jwks.json`));
  });

  it('auth, which has no HTTP API, opens no public port', async () => {
    await expect(fetch(`${app('auth').url}/health/ready`)).rejects.toThrow();
    expect((await fetch(`${app('auth').internalUrl}/health/ready`)).status).toBe(200);
  });
});

// From the first second of a start (Redis not there yet), probes get their answers on the internal
// port while the public port already answers like the started app: API 503, internal paths 404.
describe('the edge while an app starts', () => {
  it.each(['gateway', 'realtime'] as const)('%s waiting for Redis: internal /health/ready 503 starting, public API 503 service-starting', async (name) => {
    const starting = await startApp(name, { env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, waitUntil: 'live' });
    try {
      const ready = await fetch(`${starting.internalUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'starting', waiting_for: expect.arrayContaining([expect.objectContaining({ dependency: 'redis' })]) });
      expectSecurityHeaders(ready);

      const api = await fetch(`${starting.url}/v1/anything`);
      expect(api.status).toBe(503);
      expect(api.headers.get('retry-after')).toBe('1');
      expect(await api.json()).toMatchObject({ type: 'https://chat4all.dev/problems/service-starting', status: 503 });
      expectSecurityHeaders(api);

      for (const path of INTERNAL_PATHS) await expectNotFoundProblem(await fetch(`${starting.url}${path}`));
    } finally {
      await starting.stop('SIGKILL');
    }
  }, 60_000);
});
