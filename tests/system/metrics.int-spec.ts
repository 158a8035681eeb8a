import { ConsumerLagGauge, createKafka } from '@chat4all/kafka';
import { grpcClientOptions } from '@chat4all/platform';
import { authV1, GrpcContracts } from '@chat4all/proto';
import { stackEnv, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { ClientProxyFactory, type ClientGrpcProxy } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { register } from 'prom-client';
import { firstValueFrom } from 'rxjs';

// Issue 13: the metrics of the catalogue, read the way Prometheus reads them (the exposition text).

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function samples(text: string, name: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const labels = Object.fromEntries([...(/\{(.*)\}/.exec(l)?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      return { name, labels, value: Number(l.slice(l.lastIndexOf(' ') + 1)) };
    });
}

/** The value of the one sample of `name` whose labels include `labels`, undefined when there is none. */
const valueOf = (text: string, name: string, labels: Record<string, string> = {}): number | undefined =>
  samples(text, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('Kafka consumer lag (real broker)', () => {
  const service = `lag-test-${process.pid}`;
  const metric = `lag_test_${process.pid}_kafka_consumer_lag_messages`;
  const topic = `test.lag.${randomUUID()}`;
  const idle = `test-lag-idle-${randomUUID()}`;
  const partly = `test-lag-partly-${randomUUID()}`;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    kafka = createKafka(stackEnv().kafka);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] });
    producer = kafka.producer();
    await producer.connect();
    // 5 records on partition 0, 3 on partition 1.
    const records = (partition: number, n: number) => Array.from({ length: n }, (_, i) => ({ partition, key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic, acks: -1, messages: [...records(0, 5), ...records(1, 3)] });
    // `partly` has read 2 records of partition 0 and committed nothing on partition 1.
    await admin.setOffsets({ groupId: partly, topic, partitions: [{ partition: 0, offset: '2' }] });
  });

  afterAll(async () => {
    await admin.deleteGroups([idle, partly]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  });

  const scrape = async (gauge: ConsumerLagGauge) => {
    await gauge.refresh();
    return register.metrics();
  };

  it('is the high watermark minus the committed offset per partition, every retained record where the group committed nothing', async () => {
    const gauge = new ConsumerLagGauge(admin, service, () => [
      { groupId: idle, topics: [topic] },
      { groupId: partly, topics: [topic] },
    ]);
    const text = await scrape(gauge);
    expect(valueOf(text, metric, { group: idle, topic, partition: '0' })).toBe(5);
    expect(valueOf(text, metric, { group: idle, topic, partition: '1' })).toBe(3);
    expect(valueOf(text, metric, { group: partly, topic, partition: '0' })).toBe(3);
    expect(valueOf(text, metric, { group: partly, topic, partition: '1' })).toBe(3);
    expect(samples(text, metric).filter((s) => s.labels.topic === topic)).toHaveLength(4);

    // Retention (here: records deleted) moves the low watermark: nothing committed counts from there.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '1' }] });
    const after = await scrape(gauge);
    expect(valueOf(after, metric, { group: idle, topic, partition: '1' })).toBe(2);
    expect(valueOf(after, metric, { group: partly, topic, partition: '0' })).toBe(3);
  });
});

describe('app metrics on the internal port', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  let worker: RunningApp;
  let relay: RunningApp;
  let client: ClientGrpcProxy;

  beforeAll(async () => {
    const fast = { METRICS_REFRESH_INTERVAL_MS: '1000' };
    auth = await startApp('auth');
    [gateway, worker, relay] = await Promise.all([
      startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } }),
      startApp('message-worker', { env: fast, timeoutMs: 60_000 }),
      startApp('outbox-relay', { env: fast, timeoutMs: 60_000 }),
    ]);
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await Promise.all([auth, gateway, worker, relay].map((a) => a?.stop('SIGTERM')));
  });

  const metricsOf = async (app: RunningApp) => (await fetch(`${app.internalUrl}/metrics`)).text();

  it("has the PostgreSQL pool's gauges, read at scrape time", async () => {
    for (const [app, prefix] of [[auth, 'auth'], [gateway, 'gateway'], [worker, 'message_worker'], [relay, 'outbox_relay']] as const) {
      const text = await metricsOf(app);
      expect(valueOf(text, `${prefix}_db_pool_connections_max`, { service: app.name })).toBe(10);
      for (const gauge of ['connections_in_use', 'connections_idle', 'requests_waiting']) expect(valueOf(text, `${prefix}_db_pool_${gauge}`)).toBeGreaterThanOrEqual(0);
    }
  });

  it('times gRPC calls on the server and on the client, by method and status code', async () => {
    const method = 'chat4all.auth.v1.AuthService/GetJwks';
    // The gateway serves the JWKS by asking auth over gRPC.
    expect((await fetch(`${gateway.url}/.well-known/jwks.json`)).status).toBe(200);
    const served = await waitFor(async () => valueOf(await metricsOf(auth), 'auth_grpc_server_duration_seconds_count', { method, code: 'OK' }), { description: 'GetJwks in auth metrics' });
    expect(served).toBeGreaterThanOrEqual(1);
    expect(valueOf(await metricsOf(gateway), 'gateway_grpc_client_duration_seconds_count', { method, code: 'OK', service: 'gateway' })).toBeGreaterThanOrEqual(1);

    // A refused call keeps its status name; a client of this process measures under its own name.
    client = ClientProxyFactory.create(grpcClientOptions('auth', GrpcContracts.auth, `127.0.0.1:${auth.grpcPort}`, 'metrics-test')) as unknown as ClientGrpcProxy;
    const users = client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME);
    const tooMany = Array.from({ length: 101 }, () => randomUUID());
    await expect(firstValueFrom(users.getActiveUsers({ userIds: tooMany }))).rejects.toMatchObject({ code: 3 });
    const refused = { method: 'chat4all.auth.v1.AuthService/GetActiveUsers', code: 'INVALID_ARGUMENT' };
    expect(valueOf(await register.metrics(), 'metrics_test_grpc_client_duration_seconds_count', refused)).toBe(1);
    expect(valueOf(await metricsOf(auth), 'auth_grpc_server_duration_seconds_count', refused)).toBeGreaterThanOrEqual(1);
  });

  it("reports the lag of message-worker's consumer groups, and its dead letters waiting", async () => {
    const text = await waitFor(
      async () => {
        const t = await metricsOf(worker);
        const lag = valueOf(t, 'message_worker_kafka_consumer_lag_messages', { group: 'message-worker.messages.created', topic: 'messages.created', partition: '0' });
        return lag === undefined || valueOf(t, 'message_worker_dead_letters_pending') === undefined ? undefined : t;
      },
      { timeoutMs: 30_000, description: "message-worker's lag and dead-letter gauges" },
    );
    expect(valueOf(text, 'message_worker_kafka_consumer_lag_messages', { group: 'message-worker.messages.created', topic: 'messages.created', partition: '0' })).toBeGreaterThanOrEqual(0);
    expect(valueOf(text, 'message_worker_dead_letters_pending', { service: 'message-worker' })).toBeGreaterThanOrEqual(0);
    expect(valueOf(text, 'message_worker_kafka_client_errors_total', { client: 'consumer', kind: 'crash' })).toBe(0);
    expect(valueOf(text, 'message_worker_redis_errors_total', { client: 'commands' })).toBe(0);
    // outbox-relay consumes nothing: it has no lag gauge.
    expect(await metricsOf(relay)).not.toMatch(/_kafka_consumer_lag_messages/);
  });

  it('reports each outbox table and under-replicated partitions from outbox-relay', async () => {
    const text = await waitFor(
      async () => {
        const t = await metricsOf(relay);
        const replication = valueOf(t, 'outbox_relay_kafka_under_replicated_partitions', { topic: 'messages.created' });
        return replication === undefined || valueOf(t, 'outbox_relay_outbox_pending_events', { table: 'file_service.outbox_events' }) === undefined ? undefined : t;
      },
      { timeoutMs: 30_000, description: "outbox-relay's replication and outbox gauges" },
    );
    // One broker: every replica is in sync.
    expect(valueOf(text, 'outbox_relay_kafka_under_replicated_partitions', { topic: 'messages.created' })).toBe(0);
    for (const table of ['gateway.outbox_events', 'file_service.outbox_events']) {
      expect(valueOf(text, 'outbox_relay_outbox_pending_events', { table })).toBeGreaterThanOrEqual(0);
      expect(valueOf(text, 'outbox_relay_outbox_oldest_age_seconds', { table })).toBeGreaterThanOrEqual(0);
    }
  });
});
