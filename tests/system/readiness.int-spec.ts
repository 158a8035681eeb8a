import { adminCli, newCaller, stackService, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';

interface Readiness {
  status: number;
  down: string[];
}

async function readiness(app: RunningApp): Promise<Readiness> {
  const res = await fetch(`${app.internalUrl}/health/ready`);
  const body = (await res.json()) as { error?: Record<string, unknown> };
  return { status: res.status, down: Object.keys(body.error ?? {}) };
}

// Readiness follows the real dependencies: stopping one turns the apps that need it to 503, naming
// it, and starting it again turns them back to 200. The gateway does not need Kafka (the outbox
// absorbs a Kafka outage), so it stays ready.
describe('readiness during dependency outages', () => {
  let relay: RunningApp;
  let gateway: RunningApp;
  let auth: RunningApp;

  beforeAll(async () => {
    auth = await startApp('auth');
    [relay, gateway] = await Promise.all([startApp('outbox-relay'), startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([stackService('up', 'kafka'), stackService('up', 'postgres')]);
    await Promise.all([relay?.stop('SIGKILL'), gateway?.stop('SIGKILL'), auth?.stop('SIGKILL')]);
  }, 120_000);

  it('Kafka stopped → 503 naming kafka; started → 200', async () => {
    await stackService('down', 'kafka');
    const down = await waitFor(async () => ((await readiness(relay)).status === 503 ? readiness(relay) : undefined), {
      timeoutMs: 20_000,
      description: 'relay readiness 503',
    });
    expect(down.down).toEqual(['kafka']);
    expect((await readiness(gateway)).status).toBe(200);

    await stackService('up', 'kafka');
    await waitFor(async () => (await readiness(relay)).status === 200, { timeoutMs: 60_000, description: 'relay ready again' });
  }, 120_000);

  it('PostgreSQL stopped → 503 naming postgres; started → 200', async () => {
    await stackService('down', 'postgres');
    const down = await waitFor(async () => ((await readiness(gateway)).status === 503 ? readiness(gateway) : undefined), {
      timeoutMs: 20_000,
      description: 'gateway readiness 503',
    });
    expect(down.down).toEqual(['postgres']);
    expect((await readiness(relay)).down).toEqual(['postgres']);

    await stackService('up', 'postgres');
    await waitFor(async () => (await readiness(gateway)).status === 200 && (await readiness(relay)).status === 200, {
      timeoutMs: 30_000,
      description: 'gateway and relay ready again',
    });
  }, 120_000);

  // A client must be able to tell "retry this later" from "this request is wrong": with PostgreSQL
  // down, a send is a 503 with Retry-After (never a 500), and the same request succeeds once it is back.
  it('PostgreSQL stopped → POST /v1/messages answers 503 with Retry-After; started → 202', async () => {
    const { token } = await newCaller(gateway.url, 'outage');
    const other = adminCli('create-user', `outage-${randomUUID()}`);
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const conversation = (await (await call('POST', '/v1/conversations', { type: 'private', member_ids: [other.user_id] })).json()) as { id: string };
    const send = () => call('POST', '/v1/messages', { message_id: randomUUID(), conversation_id: conversation.id, payload: { type: 'text', text: 'during an outage' } });
    expect((await send()).status).toBe(202);

    await stackService('down', 'postgres');
    const statuses: number[] = [];
    const refused = await waitFor(async () => {
      const res = await send();
      statuses.push(res.status);
      return res.status === 503 ? res : undefined;
    }, { timeoutMs: 20_000, description: 'a 503 while PostgreSQL is down' });
    expect(statuses.every((s) => s === 202 || s === 503)).toBe(true);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ type: 'https://chat4all.dev/problems/service-unavailable', status: 503 });

    await stackService('up', 'postgres');
    await waitFor(async () => ((await send()).status === 202 ? true : undefined), { timeoutMs: 30_000, description: 'a 202 once PostgreSQL is back' });
  }, 120_000);
});
