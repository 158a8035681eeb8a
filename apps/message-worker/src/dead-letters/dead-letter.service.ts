import { Topics } from '@chat4all/contracts';
import { EventPublisher, type ConsumedEvent } from '@chat4all/kafka';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deadLettered } from '../pipeline/worker-metrics';

export interface DeadLetterView {
  id: string;
  eventId: string | null;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  recordKey: string | null;
  value: string;
  reason: string;
  attempts: number;
  failedAt: Date;
  replayedAt: Date | null;
}

interface DeadLetterRow {
  id: string;
  event_id: string | null;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  record_key: string | null;
  value: string;
  headers: Record<string, string>;
  reason: string;
  attempts: number;
  failed_at: Date;
  replayed_at: Date | null;
}

const toView = (r: DeadLetterRow): DeadLetterView => ({
  id: r.id,
  eventId: r.event_id,
  sourceTopic: r.source_topic,
  sourcePartition: r.source_partition,
  sourceOffset: r.source_offset,
  recordKey: r.record_key,
  value: r.value,
  reason: r.reason,
  attempts: r.attempts,
  failedAt: r.failed_at,
  replayedAt: r.replayed_at,
});

export type ReplayOutcome = { kind: 'replayed'; deadLetter: DeadLetterView } | { kind: 'not-found' } | { kind: 'already-replayed'; deadLetter: DeadLetterView };

/** The record as it came off its topic, whether or not it could be decoded. */
export interface FailedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
  eventId: string | null;
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

export function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const first: unknown = Array.isArray(v) ? (v as unknown[])[0] : v;
    if (Buffer.isBuffer(first)) out[k] = first.toString();
    else if (typeof first === 'string') out[k] = first;
  }
  return out;
}

const DLQ_HEADER_PREFIX = 'dlq-';

// FR-DP-06/07: an event that still fails after its retries is parked, never dropped: a record on
// message_processing_dlq (the original value, key and headers, plus why), a dead_letters row for the
// admin API, and a metric. Replay puts the original record back on its topic, where the consumer's
// inbox makes sure it takes effect at most once.
@Injectable()
export class DeadLetterService {
  private readonly logger = new Logger(DeadLetterService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
  ) {}

  async deadLetter(record: FailedRecord, reason: string, attempts: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO message_worker.dead_letters (event_id, source_topic, source_partition, source_offset, record_key, value, headers, reason, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT "UQ_dead_letters_source" DO NOTHING`,
      [record.eventId, record.topic, record.partition, record.offset, record.key, record.value, JSON.stringify(record.headers), reason.slice(0, 2000), attempts],
    );
    await this.publisher.publishRaw(Topics.deadLetters, [
      {
        key: record.key,
        value: record.value,
        headers: {
          ...record.headers,
          [`${DLQ_HEADER_PREFIX}reason`]: reason.slice(0, 2000),
          [`${DLQ_HEADER_PREFIX}source-topic`]: record.topic,
          [`${DLQ_HEADER_PREFIX}source-partition`]: String(record.partition),
          [`${DLQ_HEADER_PREFIX}source-offset`]: record.offset,
          [`${DLQ_HEADER_PREFIX}attempts`]: String(attempts),
        },
      },
    ]);
    deadLettered.inc({ topic: record.topic });
    this.logger.error({ event_id: record.eventId, topic: record.topic, partition: record.partition, offset: record.offset, attempts, reason, message: 'event dead-lettered' });
  }

  async list(options: { limit: number; beforeId?: string; includeReplayed: boolean }): Promise<{ items: DeadLetterView[]; nextBeforeId?: string }> {
    const rows = await this.dataSource.query<DeadLetterRow[]>(
      `SELECT * FROM message_worker.dead_letters
        WHERE ($1::bigint IS NULL OR id < $1) AND ($2 OR replayed_at IS NULL)
        ORDER BY id DESC LIMIT $3`,
      [options.beforeId ?? null, options.includeReplayed, options.limit + 1],
    );
    const page = rows.slice(0, options.limit);
    return { items: page.map(toView), nextBeforeId: rows.length > options.limit ? page.at(-1)?.id : undefined };
  }

  async replay(id: string, requestedBy: string): Promise<ReplayOutcome> {
    if (!/^\d{1,18}$/.test(id)) return { kind: 'not-found' };
    return this.dataSource.transaction(async (tx) => {
      const [row] = await tx.query<DeadLetterRow[]>(`SELECT * FROM message_worker.dead_letters WHERE id = $1 FOR UPDATE`, [id]);
      if (!row) return { kind: 'not-found' as const };
      if (row.replayed_at) return { kind: 'already-replayed' as const, deadLetter: toView(row) };
      const headers = Object.fromEntries(Object.entries(row.headers).filter(([k]) => !k.startsWith(DLQ_HEADER_PREFIX)));
      // Published before the row is marked: a crash in between leaves it replayable, and a second
      // replay of the same event is absorbed by the inbox.
      await this.publisher.publishRaw(row.source_topic, [{ key: row.record_key, value: row.value, headers: { ...headers, 'replay-of': row.id } }]);
      const [updated] = await tx.query<DeadLetterRow[]>(
        `WITH u AS (UPDATE message_worker.dead_letters SET replayed_at = now(), replayed_by = $2 WHERE id = $1 RETURNING *) SELECT * FROM u`,
        [id, requestedBy],
      );
      this.logger.log({ dead_letter_id: id, event_id: row.event_id, topic: row.source_topic, replayed_by: requestedBy, message: 'dead letter replayed' });
      return { kind: 'replayed' as const, deadLetter: toView(updated) };
    });
  }
}
