import { decodeEnvelope, type EventEnvelope } from '@chat4all/contracts';
import { startup } from '@chat4all/platform';
import { extractTraceContext, type RecordHeaders } from '@chat4all/telemetry';
import { Logger } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, ConsumerConfig, ConsumerCrashEvent, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import { unwatchConsumerGroup, watchConsumerGroup } from './consumer-lag';
import { isPermanentKafkaError } from './kafka-errors';

export interface ConsumedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  envelope: EventEnvelope;
  headers: RecordHeaders;
  /** The record's value as it was on the topic (for dead-lettering it unchanged). */
  value: string;
}

export interface EventConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Partitions handled at once. */
  partitionsConsumedConcurrently?: number;
  /**
   * Records of one partition with different keys handled at once, at most this many keys at a time;
   * records of one key are always handled one after the other, in offset order. Default 1: the
   * partition's records one at a time. Above 1, the offset only moves past records whose every
   * predecessor in the partition is done, so a crash or a failure redelivers (never skips) records,
   * including some that other keys had finished: handlers must be idempotent.
   */
  keysConsumedConcurrently?: number;
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /**
   * A group that consumed these topics before this one existed (a group renamed or split). When this
   * group has no committed offset yet, it starts where that group left off instead of at
   * `fromBeginning`'s end: an upgrade neither replays the retained log nor skips what is unread.
   */
  adoptOffsetsFrom?: string;
  /** Called once per record, in partition order; the offset is committed only after it resolves. */
  handle(event: ConsumedEvent): Promise<void>;
  /** Records whose value is not a valid envelope; they are skipped after this returns. */
  onInvalid?(message: KafkaMessage, topic: string, partition: number, reason: string): Promise<void>;
}

const tracer = trace.getTracer('@chat4all/kafka');
const HEARTBEAT_INTERVAL_MS = 3_000;
const KAFKAJS_SESSION_TIMEOUT_MS = 30_000;

/**
 * A third of the session timeout, Kafka's own guidance (heartbeat.interval.ms "no higher than 1/3
 * of session.timeout.ms"): three beats may be lost before the member is. Every consumer is its own
 * group (one per topic) and heartbeats whether or not there is traffic, so at idle these beats were
 * most of what a Kafka app did; a member learns of a rebalance at its next beat, so this is also the
 * longest it takes to join one.
 */
export const heartbeatIntervalFor = (sessionTimeoutMs: number): number => Math.floor(sessionTimeoutMs / 3);

/**
 * Keeps the group membership alive while a handler runs, however long it takes (a retry pause, a
 * provider being down): kafkajs only heartbeats between records, and a member silent for the session
 * timeout loses its partitions. kafkajs itself sends at most one heartbeat per heartbeatInterval.
 */
async function whileHeartbeating<T>(payload: { heartbeat(): Promise<void> }, work: () => Promise<T>): Promise<T> {
  const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

// One record at a time per partition (or per key, with keysConsumedConcurrently) keeps per-conversation
// order (partition key = conversation_id); each handler runs inside a CONSUMER span that continues the producer's trace from the headers.
export class EventConsumer {
  private readonly logger = new Logger(EventConsumer.name);
  private consumer: Consumer;
  private running = false;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: EventConsumerOptions,
  ) {
    this.consumer = this.newConsumer();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Joins the group and starts consuming, as a start-up step: a broker not there yet, or a group
   * coordinator still loading (a new cluster creates __consumer_offsets on first use), is retried with
   * backoff within STARTUP_TIMEOUT_MS, each attempt on a fresh consumer.
   */
  async start(): Promise<void> {
    await startup.step(
      'kafka',
      `consumer group ${this.options.groupId}`,
      async () => {
        try {
          await this.startOnce();
        } catch (error) {
          await this.consumer.disconnect().catch(() => undefined);
          this.consumer = this.newConsumer();
          throw error;
        }
      },
      { isPermanent: isPermanentKafkaError },
    );
    this.running = true;
    watchConsumerGroup(this.kafka, this.options.groupId, this.options.topics);
  }

  private newConsumer(): Consumer {
    const config = this.options.consumerConfig ?? {};
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      ...config,
      heartbeatInterval: config.heartbeatInterval ?? heartbeatIntervalFor(config.sessionTimeout ?? KAFKAJS_SESSION_TIMEOUT_MS),
    });
    consumer.on(consumer.events.CRASH, (event) => void this.crashed(event));
    return consumer;
  }

  private async startOnce(): Promise<void> {
    if (this.options.adoptOffsetsFrom) await this.adoptOffsets(this.options.adoptOffsetsFrom);
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    const keys = this.options.keysConsumedConcurrently ?? 1;
    await this.consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      ...(keys > 1
        ? { eachBatchAutoResolve: false, eachBatch: (payload: EachBatchPayload) => this.eachBatchByKey(payload, keys) }
        : { eachMessage: (payload: EachMessagePayload) => whileHeartbeating(payload, () => this.handleRecord(payload.topic, payload.partition, payload.message)) }),
    });
  }

  /**
   * kafkajs restarts a consumer that crashed of a retriable error itself; after any other it stays
   * stopped, and the app would go on without consuming. Such a consumer is started again (a fresh one,
   * with the start-up retries); if even that fails, the process exits so its supervisor restarts it.
   */
  private async crashed(event: ConsumerCrashEvent): Promise<void> {
    if (event.payload.restart || this.stopped) return;
    this.running = false;
    this.logger.error({ group_id: this.options.groupId, err: event.payload.error, message: 'consumer crashed and kafkajs will not restart it; starting a new one' });
    this.consumer = this.newConsumer();
    try {
      await this.start();
    } catch (error) {
      this.logger.fatal({ group_id: this.options.groupId, err: error, message: 'consumer could not be started again; exiting' });
      process.exit(1);
    }
  }

  /**
   * One fetched batch of a partition: a chain per key, up to `limit` chains at once, each in offset
   * order. A failing record ends its chain; the offset is resolved up to the last record with every
   * predecessor done, then the failure is rethrown so kafkajs fetches again from there.
   */
  private async eachBatchByKey(payload: EachBatchPayload, limit: number): Promise<void> {
    const { batch } = payload;
    const chains = new Map<string, KafkaMessage[]>();
    for (const m of batch.messages) {
      const key = m.key?.toString() ?? '';
      const chain = chains.get(key);
      if (chain) chain.push(m);
      else chains.set(key, [m]);
    }
    const done = new Set<string>();
    let failure: Error | undefined;
    await whileHeartbeating(payload, async () => {
      const queue = [...chains.values()];
      const worker = async () => {
        for (let chain = queue.shift(); chain; chain = queue.shift()) {
          for (const m of chain) {
            if (failure !== undefined || !payload.isRunning() || payload.isStale()) return;
            try {
              await this.handleRecord(batch.topic, batch.partition, m);
              done.add(m.offset);
            } catch (error) {
              failure ??= error instanceof Error ? error : new Error(String(error));
              break;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
    });
    let resolved: string | undefined;
    for (const m of batch.messages) {
      if (!done.has(m.offset)) break;
      resolved = m.offset;
    }
    if (resolved !== undefined) payload.resolveOffset(resolved);
    await payload.commitOffsetsIfNecessary();
    if (failure !== undefined) throw failure;
  }

  private async handleRecord(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const headers: RecordHeaders = message.headers ?? {};
    let envelope: EventEnvelope;
    try {
      envelope = decodeEnvelope(message.value);
    } catch (error) {
      await this.options.onInvalid?.(message, topic, partition, (error as Error).message);
      return;
    }
    const parent = extractTraceContext(headers, context.active());
    await tracer.startActiveSpan(`consume ${topic}`, { kind: SpanKind.CONSUMER }, parent, async (span) => {
      try {
        await this.options.handle({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, envelope, headers, value: message.value?.toString() ?? '' });
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /**
   * Copies the committed offsets of `legacyGroup` for this consumer's topics into this group, once:
   * only while this group has none at all. Two instances starting at once may both copy (the same
   * offsets), or one finds the group already running and leaves it be.
   */
  private async adoptOffsets(legacyGroup: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const committed = (offsets: { partitions: { offset: string }[] }[]) => offsets.some((t) => t.partitions.some((p) => Number(p.offset) >= 0));
      if (committed(await admin.fetchOffsets({ groupId: this.options.groupId, topics: this.options.topics }))) return;
      for (const t of await admin.fetchOffsets({ groupId: legacyGroup, topics: this.options.topics })) {
        const partitions = t.partitions.filter((p) => Number(p.offset) >= 0).map((p) => ({ partition: p.partition, offset: p.offset }));
        if (partitions.length === 0) continue;
        try {
          await admin.setOffsets({ groupId: this.options.groupId, topic: t.topic, partitions });
        } catch (error) {
          // Another instance of this group is already consuming: it adopted the offsets, or moved on from them.
          if (!/no running instances/i.test((error as Error).message)) throw error;
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops fetching, lets the in-flight record finish, commits offsets and leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    unwatchConsumerGroup(this.kafka, this.options.groupId);
    await this.consumer.disconnect();
  }
}
