import { createEnvelope } from '@chat4all/contracts';
import { stackEnv } from '@chat4all/testing';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { outboxBucket } from './outbox-buckets';
import { Client } from 'pg';
import { OUTBOX_CHANNEL } from './outbox-signal';
import { OutboxWriter } from './outbox-writer';
import { OutboxRepository, RELAY_LOCK_NAMESPACE, type PendingOutboxEvent } from './outbox.repository';

// The writer and the relay's claim/publish/delete against real PostgreSQL, on a copy of
// gateway.outbox_events in a schema of its own (a running relay never sees these rows).
describe('outbox (real PostgreSQL)', () => {
  const schema = `test_outbox_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const table = `${schema}.outbox_events`;
  let ds: DataSource;
  let writer: OutboxWriter;
  let outbox: OutboxRepository;

  // Partition keys that all fall in one bucket, so one relayBucket call sees them.
  const keysInBucket = (bucket: number, n: number): string[] => {
    const keys: string[] = [];
    while (keys.length < n) {
      const key = randomUUID();
      if (outboxBucket(key) === bucket) keys.push(key);
    }
    return keys;
  };
  const write = (key: string, n: number) =>
    ds.transaction(async (tx) => {
      for (let i = 0; i < n; i++) await writer.append(tx, 'messages.created', key, createEnvelope('message.created', key, { n: i }));
    });
  const rows = async () => Number((await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    ds = await new DataSource({ type: 'postgres', url: stackEnv().database.url, applicationName: 'test-outbox' }).initialize();
    await ds.query(`CREATE SCHEMA "${schema}"`);
    await ds.query(`CREATE TABLE ${table} (LIKE gateway.outbox_events INCLUDING ALL)`);
    writer = new OutboxWriter(table);
    outbox = new OutboxRepository(ds, table);
  });

  afterAll(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
    propagation.disable();
    context.disable();
  });

  beforeEach(() => ds.query(`DELETE FROM ${table}`));

  it('publishes a bucket in id order, with the trace context stored at write time, then deletes it', async () => {
    const [a, b] = keysInBucket(3, 2);
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    await context.with(trace.setSpanContext(context.active(), spanContext), () => write(a, 3));
    await write(b, 2);
    await write(a, 1);

    const published: PendingOutboxEvent[] = [];
    expect(await outbox.relayBucket(3, 100, (events) => Promise.resolve(published.push(...events)))).toBe(6);
    expect(published.map((e) => [e.partitionKey, (e.envelope.payload as { n: number }).n])).toEqual([[a, 0], [a, 1], [a, 2], [b, 0], [b, 1], [a, 0]]);
    expect(published.map((e) => BigInt(e.id))).toEqual(published.map((e) => BigInt(e.id)).sort((x, y) => (x < y ? -1 : 1)));
    expect(published[0].traceHeaders.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(published[0]).toMatchObject({ topic: 'messages.created', envelope: { type: 'message.created', aggregate_id: a } });
    expect(await rows()).toBe(0);
  });

  it('takes at most the batch size, and only the bucket asked for', async () => {
    const [inThree] = keysInBucket(3, 1);
    const [inFive] = keysInBucket(5, 1);
    await write(inThree, 5);
    await write(inFive, 1);
    expect(await outbox.relayBucket(3, 2, () => Promise.resolve())).toBe(2);
    expect(await outbox.relayBucket(3, 10, () => Promise.resolve())).toBe(3);
    expect(await outbox.relayBucket(3, 10, () => Promise.resolve())).toBe(0);
    expect(await rows()).toBe(1);
  });

  it('keeps every row when publishing fails, to publish them again', async () => {
    const [key] = keysInBucket(7, 1);
    await write(key, 2);
    await expect(outbox.relayBucket(7, 10, () => Promise.reject(new Error('kafka down')))).rejects.toThrow('kafka down');
    expect(await rows()).toBe(2);
    expect(await outbox.relayBucket(7, 10, () => Promise.resolve())).toBe(2);
  });

  it('skips a bucket another relay holds', async () => {
    const [key] = keysInBucket(9, 1);
    await write(key, 1);
    const other = ds.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(`SELECT pg_advisory_xact_lock($1, $2)`, [RELAY_LOCK_NAMESPACE, 9]);
      expect(await outbox.relayBucket(9, 10, () => Promise.reject(new Error('must not publish')))).toBe(0);
      await other.commitTransaction();
    } finally {
      await other.release();
    }
    expect(await outbox.relayBucket(9, 10, () => Promise.resolve())).toBe(1);
  });

  it('reports how many events wait and the age of the oldest as lag, 0 when empty', async () => {
    expect(await outbox.pendingStats()).toEqual({ pending: 0, oldestAgeSeconds: 0 });
    await write(randomUUID(), 1);
    await write(randomUUID(), 1);
    await ds.query(`UPDATE ${table} SET created_at = now() - interval '30 seconds'`);
    const stats = await outbox.pendingStats();
    expect(stats.pending).toBe(2);
    expect(stats.oldestAgeSeconds).toBeGreaterThanOrEqual(30);
  });

  it('lists only the buckets with events waiting', async () => {
    const [inTwo] = keysInBucket(2, 1);
    const [inEleven] = keysInBucket(11, 1);
    expect(await outbox.pendingBuckets()).toEqual([]);
    await write(inEleven, 2);
    await write(inTwo, 1);
    expect(await outbox.pendingBuckets()).toEqual([2, 11]);
  });

  it('wakes a listening relay when a transaction that wrote an event commits, not before, and never on rollback', async () => {
    const signals: { table: string; at: number }[] = [];
    // What a relay does (apps/outbox-relay, through libs/database ChannelListener): LISTEN on the channel.
    const listener = new Client({ connectionString: stackEnv().database.url });
    listener.on('notification', (n) => signals.push({ table: n.payload ?? '', at: Date.now() }));
    await listener.connect();
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    try {
      const ours = () => signals.filter((s) => s.table === table);
      const until = async (done: () => boolean) => {
        for (const deadline = Date.now() + 5_000; !done() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
      };
      let committedAt = 0;
      await ds.transaction(async (tx) => {
        await writer.append(tx, 'messages.created', randomUUID(), createEnvelope('message.created', 'k', {}));
        await writer.append(tx, 'messages.created', randomUUID(), createEnvelope('message.created', 'k', {}));
        await new Promise((r) => setTimeout(r, 200));
        expect(ours()).toEqual([]);
        committedAt = Date.now();
      });
      await until(() => ours().length > 0);
      expect(ours().length).toBe(1);
      expect(ours()[0].at).toBeGreaterThanOrEqual(committedAt);

      await expect(
        ds.transaction(async (tx) => {
          await writer.append(tx, 'messages.created', randomUUID(), createEnvelope('message.created', 'k', {}));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // A later commit's signal arrives after any the rolled-back one would have sent.
      await ds.transaction((tx) => writer.append(tx, 'messages.created', randomUUID(), createEnvelope('message.created', 'k', {})));
      await until(() => ours().length > 1);
      expect(ours().length).toBe(2);
      expect(await rows()).toBe(3);
    } finally {
      await listener.end();
    }
  });
});
