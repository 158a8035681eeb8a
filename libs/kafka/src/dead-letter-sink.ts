import { deadLetterHeaders, MAX_DEAD_LETTER_REASON_CHARS, Topics } from '@chat4all/contracts';
import { metricPrefix, registeredCounter } from '@chat4all/telemetry';
import { Logger } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import type { Counter } from 'prom-client';
import type { ConsumedEvent } from './event-consumer';
import type { EventPublisher } from './event-publisher';

/** The record as it came off its topic, whether or not it could be decoded. */
export interface FailedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  /** The envelope's event id, when the value was a valid envelope. */
  eventId: string | null;
}

/** Kafka headers (Buffers, strings, arrays of them) as strings; the first value of a repeated header. */
export function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const first: unknown = Array.isArray(v) ? (v as unknown[])[0] : v;
    if (Buffer.isBuffer(first)) out[k] = first.toString();
    else if (typeof first === 'string') out[k] = first;
  }
  return out;
}

export const failedRecordOf = (event: ConsumedEvent): FailedRecord => ({
  topic: event.topic,
  partition: event.partition,
  offset: event.offset,
  key: event.key,
  value: event.value,
  headers: stringHeaders(event.headers),
  eventId: event.envelope.event_id,
});

/** A record that is not even a valid envelope (EventConsumer's onInvalid). */
export const failedRecordOfMessage = (message: KafkaMessage, topic: string, partition: number): FailedRecord => ({
  topic,
  partition,
  offset: message.offset,
  key: message.key?.toString() ?? null,
  value: message.value?.toString() ?? '',
  headers: stringHeaders(message.headers ?? {}),
  eventId: null,
});

/** Where the sink records its security event: AuditLog (@chat4all/audit) fits it. */
export interface DeadLetterAudit {
  record(event: { type: string; outcome: 'success' | 'failure'; details?: Record<string, unknown> }): Promise<void>;
}

export interface DeadLetterSinkOptions {
  /** The app's name, which names its counter: `message-worker` counts in message_worker_dead_letters_total. */
  service: string;
}

/** The audit event type of a DLQ addition (NFR-022). */
export const DEAD_LETTER_AUDIT_TYPE = 'dead_letter_added';

const deadLetterCounter = (service: string): Counter<'topic'> =>
  registeredCounter({
    name: `${metricPrefix(service)}_dead_letters_total`,
    help: 'Records sent to message_processing_dlq, by source topic (alert when it increases)',
    labelNames: ['topic'],
  });

// FR-DP-06/07, NFR-022: every app dead-letters the same way. The record goes to message_processing_dlq
// unchanged (key, value, headers) plus the dlq-* headers of @chat4all/contracts; then a metric, an
// error log line and an audit event. The dead_letters row the admin API lists and replays is
// message-worker's (it owns the table): it records one from every DLQ record, whoever published it,
// so this sink needs only Kafka and works from any app.
export class DeadLetterSink {
  private readonly logger = new Logger(DeadLetterSink.name);
  private readonly counter: Counter<'topic'>;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly audit: DeadLetterAudit,
    options: DeadLetterSinkOptions,
  ) {
    this.counter = deadLetterCounter(options.service);
  }

  /** Resolves once Kafka has the DLQ record; rejects (the caller leaves its offset uncommitted) otherwise. */
  async deadLetter(record: FailedRecord, reason: string, attempts: number): Promise<void> {
    const cut = reason.slice(0, MAX_DEAD_LETTER_REASON_CHARS);
    const origin = { sourceTopic: record.topic, sourcePartition: record.partition, sourceOffset: record.offset, reason: cut, attempts };
    await this.publisher.publishRaw(Topics.deadLetters, [{ key: record.key, value: record.value, headers: { ...record.headers, ...deadLetterHeaders(origin) } }]);
    this.counter.inc({ topic: record.topic });
    this.logger.error({ event_id: record.eventId, topic: record.topic, partition: record.partition, offset: record.offset, attempts, reason: cut, message: 'event dead-lettered' });
    await this.audit.record({
      type: DEAD_LETTER_AUDIT_TYPE,
      outcome: 'failure',
      details: { event_id: record.eventId, source_topic: record.topic, source_partition: record.partition, source_offset: record.offset, attempts, reason: cut },
    });
  }
}
