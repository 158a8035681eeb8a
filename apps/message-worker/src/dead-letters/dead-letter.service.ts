import { decodeEnvelope, readDeadLetterHeaders, REPLAY_OF_HEADER, Topics, withoutDeadLetterHeaders } from '@chat4all/contracts';
import { EventPublisher, KAFKA_ADMIN } from '@chat4all/kafka';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { DeadLetterRepository, type DeadLetterRow, type NewDeadLetter } from './dead-letter.repository';

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

export type ReplayOutcome =
  | { kind: 'replayed'; deadLetter: DeadLetterView }
  | { kind: 'not-found' }
  | { kind: 'already-replayed'; deadLetter: DeadLetterView }
  | { kind: 'source-missing'; topic: string };

/** A record as read off message_processing_dlq: the failed record plus its dlq-* headers. */
export interface DlqRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * PostgreSQL text and jsonb refuse the NUL character, which a record of raw bytes may well hold: kept
 * as U+FFFD instead, or its row could never be written and every later dead letter of its DLQ
 * partition would wait behind it. Such a value is no envelope (JSON has no raw NUL): replaying it could not help anyway.
 */
const storable = (text: string): string => text.replaceAll('\u0000', '\uFFFD');

const eventIdOf = (value: string): string | null => {
  try {
    return decodeEnvelope(value).event_id;
  } catch {
    return null; // not an envelope: that may be why it was dead-lettered
  }
};

// FR-DP-06/07: every dead letter, whichever app gave up on it (DeadLetterSink, @chat4all/kafka), is a
// record on message_processing_dlq; this worker owns the dead_letters table and turns each record into
// a row for the admin API. Replay puts the original record back on its topic, where the consumer's
// inbox makes sure it takes effect at most once.
@Injectable()
export class DeadLetterService {
  private readonly logger = new Logger(DeadLetterService.name);

  constructor(
    private readonly deadLetters: DeadLetterRepository,
    private readonly publisher: EventPublisher,
    @Inject(KAFKA_ADMIN) private readonly admin: Pick<Admin, 'listTopics'>,
  ) {}

  /** The DLQ record as a row, once: a record read again (redelivery, two workers) changes nothing. */
  async record(dlq: DlqRecord): Promise<void> {
    const origin = readDeadLetterHeaders(dlq.headers);
    const located = origin.sourcePartition !== undefined && origin.sourceOffset !== undefined;
    const row: NewDeadLetter = {
      event_id: eventIdOf(dlq.value),
      source_topic: storable(origin.sourceTopic ?? Topics.deadLetters),
      // Records of older connectors carry no source position: they are known by their own position
      // on the DLQ instead, the partition stored as -1 - p so it never meets a real source position.
      source_partition: located ? origin.sourcePartition! : -1 - dlq.partition,
      source_offset: located ? origin.sourceOffset! : dlq.offset,
      record_key: dlq.key === null ? null : storable(dlq.key),
      value: storable(dlq.value),
      headers: Object.fromEntries(Object.entries(withoutDeadLetterHeaders(dlq.headers)).map(([k, v]) => [storable(k), storable(v)])),
      reason: storable(origin.reason ?? 'unknown: the DLQ record has no dlq-reason header'),
      attempts: origin.attempts ?? 1,
    };
    const id = await this.deadLetters.insert(row);
    if (id) this.logger.log({ dead_letter_id: id, event_id: row.event_id, topic: row.source_topic, partition: row.source_partition, offset: row.source_offset, message: 'dead letter recorded' });
  }

  async list(options: { limit: number; beforeId?: string; includeReplayed: boolean }): Promise<{ items: DeadLetterView[]; nextBeforeId?: string }> {
    const rows = await this.deadLetters.page(options);
    const page = rows.slice(0, options.limit);
    return { items: page.map(toView), nextBeforeId: rows.length > options.limit ? page.at(-1)?.id : undefined };
  }

  async replay(id: string, requestedBy: string): Promise<ReplayOutcome> {
    if (!/^\d{1,18}$/.test(id)) return { kind: 'not-found' };
    return this.deadLetters.transaction(async (tx) => {
      const row = await this.deadLetters.lock(tx, id);
      if (!row) return { kind: 'not-found' as const };
      if (row.replayed_at) return { kind: 'already-replayed' as const, deadLetter: toView(row) };
      // The producer would retry an unknown topic until the caller's deadline: refuse at once instead.
      if (!(await this.admin.listTopics()).includes(row.source_topic)) return { kind: 'source-missing' as const, topic: row.source_topic };
      // Published before the row is marked: a crash in between leaves it replayable, and a second
      // replay of the same event is absorbed by the inbox.
      await this.publisher.publishRaw(row.source_topic, [{ key: row.record_key, value: row.value, headers: { ...withoutDeadLetterHeaders(row.headers), [REPLAY_OF_HEADER]: row.id } }]);
      const updated = await this.deadLetters.markReplayed(tx, id, requestedBy);
      this.logger.log({ dead_letter_id: id, event_id: row.event_id, topic: row.source_topic, replayed_by: requestedBy, message: 'dead letter replayed' });
      return { kind: 'replayed' as const, deadLetter: toView(updated) };
    });
  }
}
