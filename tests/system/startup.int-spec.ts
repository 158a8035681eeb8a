import { createKafka } from '@chat4all/kafka';
import { instanceKafkaBrokers, REPO_ROOT, stackEnv, stackService, startApp, waitFor, type RunningApp, type StackInstance } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface StartingBody {
  status: string;
  waiting_for?: { dependency: string; step: string; attempts: number; last_error?: string }[];
}

// Start-up waits for dependencies that are not there yet instead of dying of them (a first `npm start`
// used to lose message-worker to "not the correct coordinator for this group" from a brand-new Kafka),
// and stops at once, naming the dependency, when waiting cannot help.
describe('start-up against dependencies that are not ready', () => {
  // A Kafka of its own (tools/stack instance, ports +200): created fresh here, so its group coordinator
  // does not exist yet, without resetting the suite's Kafka under the other tests.
  const cold: StackInstance = { name: 'cold-kafka', portOffset: 2 };
  let worker: RunningApp | undefined;

  beforeAll(async () => {
    await stackService('reset', 'kafka', cold);
  }, 120_000);

  afterAll(async () => {
    if (worker) {
      mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
      writeFileSync(join(REPO_ROOT, '.stack/logs/tests/startup-message-worker.log'), worker.output());
    }
    await worker?.stop('SIGKILL');
    await stackService('reset', 'kafka', cold);
  }, 120_000);

  it('message-worker started before its Kafka exists waits (live, 503 naming kafka), then joins the fresh cluster without restarting', async () => {
    const groupPrefix = `startup-test-${randomUUID()}`;
    worker = await startApp('message-worker', {
      env: { KAFKA_BROKERS: instanceKafkaBrokers(cold), WORKER_CONSUMER_GROUP: groupPrefix, STARTUP_RETRY_MAX_DELAY_MS: '1000' },
      waitUntil: 'live',
    });
    const ready = await fetch(`${worker.internalUrl}/health/ready`);
    const body = (await ready.json()) as StartingBody;
    expect(ready.status).toBe(503);
    expect(body.status).toBe('starting');
    expect(body.waiting_for).toEqual(expect.arrayContaining([expect.objectContaining({ dependency: 'kafka', step: 'connect' })]));
    const other = await fetch(`${worker.internalUrl}/metrics`);
    expect(other.status).toBe(503);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.headers.get('retry-after')).toBe('1');

    // A brand-new broker: no __consumer_offsets yet, so every group's coordinator is still to be elected
    // when the worker's four consumers look for it.
    await stackService('up', 'kafka', cold);
    const pid = worker.process.pid;
    const app = worker;
    await waitFor(async () => (await fetch(`${app.internalUrl}/health/ready`)).status === 200, { timeoutMs: 120_000, description: 'message-worker ready on the fresh Kafka' });
    expect(worker.process.pid).toBe(pid);
    expect(worker.process.exitCode).toBeNull();
    // It did meet the state that used to kill it: kafkajs reports the coordinator missing or loading.
    expect(worker.output()).toMatch(/group coordinator is not available|coordinator is loading|not the correct coordinator/);

    // Ready means consuming: each of its groups has the worker as a member.
    const admin = createKafka({ ...stackEnv().kafka, brokers: [instanceKafkaBrokers(cold)] }).admin();
    await admin.connect();
    try {
      const group = `${groupPrefix}.messages.created`;
      await waitFor(async () => ((await admin.describeGroups([group])).groups[0]?.state === 'Stable' ? true : undefined), { timeoutMs: 30_000, description: `${group} stable` });
    } finally {
      await admin.disconnect();
    }
  }, 240_000);

  it('a permanent error (wrong PostgreSQL password) stops the app at once, naming postgres', async () => {
    const url = new URL(stackEnv().database.url);
    url.password = 'not-the-password';
    const relay = await startApp('outbox-relay', { env: { DATABASE_URL: url.toString() }, waitUntil: 'none' });
    const exit = await relay.exited;
    expect(exit.code).toBe(1);
    expect(exit.afterMs).toBeLessThan(20_000);
    const fatal = relay
      .output()
      .split('\n')
      .filter((l) => l.includes('"level":"fatal"'))
      .map((l) => JSON.parse(l) as { message: string; dependency?: string });
    expect(fatal).toEqual([expect.objectContaining({ dependency: 'postgres', message: expect.stringMatching(/^start-up failed: postgres: connect failed permanently: password authentication failed/) })]);
  }, 60_000);
});
