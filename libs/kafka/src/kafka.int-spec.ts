import type { TopicSpec } from '@chat4all/contracts';
import { createEnvelope, type EventEnvelope } from '@chat4all/contracts';
import { stackEnv, waitFor } from '@chat4all/testing';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { createKafka } from './kafka.client';
import { ensureTopics } from './topics';

describe('kafka (real broker)', () => {
  const config = stackEnv().kafka;
  const topic: TopicSpec = { name: `test.kafka.${randomUUID()}`, key: 'conversation_id' };
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new TracerProvider());
    kafka = createKafka(config);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic.name] }).catch(() => undefined);
    await admin.disconnect();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('creates declared topics once, with the configured partitions', async () => {
    const defaults = { ...config.topicDefaults, partitions: 3 };
    expect(await ensureTopics(admin, [topic], defaults)).toEqual({ created: [topic.name], existing: [] });
    expect(await ensureTopics(admin, [topic], defaults)).toEqual({ created: [], existing: [topic.name] });
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic.name] })).topics;
    expect(metadata?.partitions).toHaveLength(3);
  });

  it('publishes with acks=all and a consumer group receives the events in key order, in the same trace', async () => {
    const conversationId = randomUUID();
    const envelopes = [1, 2, 3, 4, 5].map((seq) => createEnvelope('message.created', conversationId, { seq }));
    const received: { envelope: EventEnvelope; traceId?: string; traceparent?: string }[] = [];
    const consumer = new EventConsumer(kafka, {
      groupId: `test-${randomUUID()}`,
      topics: [topic.name],
      fromBeginning: true,
      handle: (event) => {
        received.push({
          envelope: event.envelope,
          traceId: trace.getActiveSpan()?.spanContext().traceId,
          traceparent: event.headers.traceparent?.toString(),
        });
        return Promise.resolve();
      },
    });
    await consumer.start();

    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    const parentTraceId = await trace.getTracer('test').startActiveSpan('send messages', async (span) => {
      const metadata = await publisher.publish(envelopes.map((envelope) => ({ topic: topic.name, key: conversationId, envelope })));
      // acks=all: the broker answered for every record with an offset.
      expect(metadata.every((m) => m.errorCode === 0)).toBe(true);
      span.end();
      return span.spanContext().traceId;
    });
    await publisher.disconnect();

    await waitFor(() => received.length >= envelopes.length, { timeoutMs: 30_000, description: 'five consumed events' });
    await consumer.stop();

    expect(received.map((r) => r.envelope)).toEqual(envelopes);
    for (const r of received) {
      expect(r.traceparent).toMatch(new RegExp(`^00-${parentTraceId}-[0-9a-f]{16}-01$`));
      expect(r.traceId).toBe(parentTraceId);
    }
  });

  it('a renamed group starts where its predecessor left off (adoptOffsetsFrom): nothing replayed, nothing skipped', async () => {
    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    const publish = (n: number) => {
      const envelopes = Array.from({ length: n }, () => createEnvelope('message.created', randomUUID(), {}));
      return publisher.publish(envelopes.map((envelope) => ({ topic: topic.name, key: envelope.aggregate_id, envelope }))).then(() => envelopes);
    };
    const consume = (groupId: string, adoptOffsetsFrom?: string) => {
      const received: EventEnvelope[] = [];
      const consumer = new EventConsumer(kafka, { groupId, adoptOffsetsFrom, topics: [topic.name], fromBeginning: true, handle: (e) => Promise.resolve(void received.push(e.envelope)) });
      return { consumer, received };
    };
    try {
      const before = await publish(4);
      const legacyGroup = `test-legacy-${randomUUID()}`;
      const legacy = consume(legacyGroup);
      await legacy.consumer.start();
      await waitFor(() => before.every((b) => legacy.received.some((r) => r.event_id === b.event_id)), { timeoutMs: 30_000, description: 'the legacy group read the first four' });
      await legacy.consumer.stop();

      const after = await publish(2);
      const renamed = consume(`test-renamed-${randomUUID()}`, legacyGroup);
      await renamed.consumer.start();
      await waitFor(() => renamed.received.length >= 2, { timeoutMs: 30_000, description: 'the renamed group read the two new ones' });
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // time for anything replayed to show up
      await renamed.consumer.stop();
      expect(renamed.received.map((e) => e.event_id).sort()).toEqual(after.map((e) => e.event_id).sort());
    } finally {
      await publisher.disconnect();
    }
  });
});
