import { createDataSource } from '@chat4all/database';
import { adminCli, stackEnv, stackService, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { randomInt, randomUUID } from 'node:crypto';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
// Each run acts from its own address (gateways here trust X-Forwarded-For), so windows used by other
// tests on 127.0.0.1 do not count.
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('rate limiting shared through Redis', () => {
  let auth: RunningApp;
  const gateways: RunningApp[] = [];

  beforeAll(async () => {
    auth = await startApp('auth');
    const env = { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, HTTP_TRUST_PROXY: 'true', RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE: '3' };
    gateways.push(...(await Promise.all([1, 2, 3].map(() => startApp('gateway', { env })))));
  }, 60_000);

  afterAll(async () => {
    await stackService('up', 'redis');
    await Promise.all([auth, ...gateways].map((a) => a?.stop('SIGKILL')));
  });

  const revoke = (gateway: RunningApp, ip: string) =>
    fetch(`${gateway.url}/auth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
      body: form({ token: randomUUID() }),
    });

  it('request 61 in a minute, spread over three gateways, gets 429 with Retry-After and RateLimit headers, and is audited', async () => {
    const ip = freshIp();
    for (let i = 0; i < 60; i++) {
      const res = await revoke(gateways[i % 3], ip);
      expect(res.status).toBe(401); // no client authentication: refused, and counted all the same
      expect(res.headers.get('ratelimit')).toBe(`"writes";r=${59 - i};t=${res.headers.get('ratelimit')?.split('t=')[1]}`);
    }
    const res = await revoke(gateways[0], ip);
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(res.headers.get('ratelimit-policy')).toBe('"writes";q=60;w=60');
    expect(res.headers.get('ratelimit')).toMatch(/^"writes";r=0;t=\d+$/);
    expect(await res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/rate-limited', status: 429, policy: 'writes' });

    const db = await createDataSource(stackEnv().database, { schema: 'gateway', applicationName: 'test', entities: [], migrations: [] }).initialize();
    try {
      const rows = await db.query<{ type: string }[]>(`SELECT type FROM gateway.audit_events WHERE type = 'rate_limited' AND remote_ip = $1`, [ip]);
      expect(rows.length).toBe(1);
    } finally {
      await db.destroy();
    }
  });

  it('limits /auth/token per client_id, against secret guessing', async () => {
    const user = `limited-${randomUUID()}`;
    const run = (...args: string[]) =>
      adminCli<{ client_id: string }>(...args);
    run('create-user', user);
    const { client_id } = run('create-client', user);
    const attempt = (i: number) =>
      fetch(`${(gateways[i % 3]).url}/auth/token`, {
        method: 'POST',
        // A different address each time: the per-client limit must hold regardless.
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': freshIp() },
        body: form({ grant_type: 'client_credentials', client_id, client_secret: 'guess' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(i)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('lets requests through when Redis is down (RATE_LIMIT_ON_REDIS_ERROR=allow), counting it in a metric', async () => {
    await stackService('down', 'redis');
    try {
      const res = await revoke(gateways[1], freshIp());
      expect(res.status).toBe(401); // let through to the endpoint (which refuses the missing client authentication)
      const metrics = await (await fetch(`${(gateways[1]).internalUrl}/metrics`)).text();
      expect(metrics).toMatch(/^rate_limit_store_errors_total\{policy="writes",outcome="allowed",service="gateway"\} [1-9]/m);
      await waitFor(() => (gateways[1]).output().includes('rate-limit store (Redis) unreachable'), { timeoutMs: 5_000, description: 'log line' });
    } finally {
      await stackService('up', 'redis');
    }
  });
});
