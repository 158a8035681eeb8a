import { decodeEnvelope, type EventEnvelope } from '@chat4all/contracts';
import { extractTraceContext, type RecordHeaders } from '@chat4all/telemetry';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';

export interface ConsumedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  envelope: EventEnvelope;
  headers: RecordHeaders;
  /** The record's value as it was on the topic (for dead-lettering it unchanged). */
  value: string;
  /** Keeps the group membership alive while a handler waits long (e.g. for a provider to recover). */
  heartbeat(): Promise<void>;
}

export interface EventConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Partitions handled at once; records of one partition are always handled one at a time. */
  partitionsConsumedConcurrently?: number;
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** Called once per record, in partition order; the offset is committed only after it resolves. */
  handle(event: ConsumedEvent): Promise<void>;
  /** Records whose value is not a valid envelope; they are skipped after this returns. */
  onInvalid?(message: KafkaMessage, topic: string, partition: number, reason: string): Promise<void>;
}

const tracer = trace.getTracer('@chat4all/kafka');

// One record at a time per partition keeps per-conversation order (partition key = conversation_id);
// each handler runs inside a CONSUMER span that continues the producer's trace from the headers.
export class EventConsumer {
  private readonly consumer: Consumer;
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly options: EventConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...options.consumerConfig,
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
    await this.consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachMessage: async (payload) => {
        const { topic, partition, message } = payload;
        const heartbeat = () => payload.heartbeat();
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
            await this.options.handle({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, envelope, headers, value: message.value?.toString() ?? '', heartbeat });
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
            throw error;
          } finally {
            span.end();
          }
        });
      },
    });
    this.running = true;
  }

  /** Stops fetching, lets the in-flight record finish, commits offsets and leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
