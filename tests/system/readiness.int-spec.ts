import { stackService, startApp, waitFor, type RunningApp } from '@chat4all/testing';

interface Readiness {
  status: number;
  down: string[];
}

async function readiness(app: RunningApp): Promise<Readiness> {
  const res = await fetch(`${app.url}/health/ready`);
  const body = (await res.json()) as { error?: Record<string, unknown> };
  return { status: res.status, down: Object.keys(body.error ?? {}) };
}

// Readiness follows the real dependencies: stopping one turns the apps that need it to 503, naming
// it, and starting it again turns them back to 200. The gateway does not need Kafka (the outbox
// absorbs a Kafka outage), so it stays ready.
describe('readiness during dependency outages', () => {
  let relay: RunningApp;
  let gateway: RunningApp;

  beforeAll(async () => {
    [relay, gateway] = await Promise.all([startApp('outbox-relay'), startApp('gateway')]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([stackService('up', 'kafka'), stackService('up', 'postgres')]);
    await Promise.all([relay?.stop('SIGKILL'), gateway?.stop('SIGKILL')]);
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
});
