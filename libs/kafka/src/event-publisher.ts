import type { EventEnvelope } from '@chat4all/contracts';
import { extractTraceContext, injectTraceHeaders } from '@chat4all/telemetry';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { Partitioners, type Kafka, type Producer, type RecordMetadata } from 'kafkajs';

export interface PublishRecord {
  topic: string;
  /** Partition key: conversation_id for message topics, so a conversation stays on one partition. */
  key: string;
  envelope: EventEnvelope;
  /** Trace context captured where the event was created (e.g. stored in the outbox); by default the current one. */
  traceHeaders?: Record<string, string>;
}

const tracer = trace.getTracer('@chat4all/kafka');

// acks=all plus the idempotent producer: a record is acknowledged only once every in-sync replica has
// it, and broker-side sequence numbers drop retried duplicates within a producer session.
export class EventPublisher {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2, as the Java client: a key lands on the same partition whoever produces it.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, unlike kafkajs' idempotent default of retrying forever: a caller (the outbox relay)
      // must get an error back to release its batch and retry later; duplicates that a new producer
      // session might create are dropped by the consumers' inbox (ARCHITECTURE §2).
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Publishes records exactly as given (value and headers untouched): dead letters and their replays. */
  async publishRaw(topic: string, messages: readonly { key: string | null; value: string; headers: Record<string, string> }[]): Promise<RecordMetadata[]> {
    return this.producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
  }

  /**
   * Publishes the records in one request. Each gets a PRODUCER span in its own trace (the one its
   * traceHeaders name, an outbox row's for instance, or the current one), and that span's context
   * in its headers: the consumer continues from the publish, whoever batched the records.
   */
  async publish(records: readonly PublishRecord[]): Promise<RecordMetadata[]> {
    const spans: Span[] = [];
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const r of records) {
      const parent = r.traceHeaders ? extractTraceContext(r.traceHeaders, context.active()) : context.active();
      const span = tracer.startSpan(
        `publish ${r.topic}`,
        { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': r.topic, 'messaging.message.id': r.envelope.event_id } },
        parent,
      );
      spans.push(span);
      const headers = injectTraceHeaders({}, trace.setSpan(parent, span)) as Record<string, string>;
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key: r.key, value: JSON.stringify(r.envelope), headers: { ...headers, event_id: r.envelope.event_id, event_type: r.envelope.type } });
      byTopic.set(r.topic, list);
    }
    try {
      return await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (error) {
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }
}
