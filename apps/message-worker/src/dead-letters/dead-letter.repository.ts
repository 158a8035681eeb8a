import { MAX_DEAD_LETTER_REASON_CHARS } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface DeadLetterRow {
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

export type NewDeadLetter = Pick<DeadLetterRow, 'event_id' | 'source_topic' | 'source_partition' | 'source_offset' | 'record_key' | 'value' | 'headers' | 'reason' | 'attempts'>;

// The SQL of message_worker.dead_letters: one row per source record (UQ_dead_letters_source), however
// often it is dead-lettered or its DLQ record is read.
@Injectable()
export class DeadLetterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The new row's id, or null when that source record already has one. */
  async insert(d: NewDeadLetter): Promise<string | null> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO message_worker.dead_letters (event_id, source_topic, source_partition, source_offset, record_key, value, headers, reason, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT "UQ_dead_letters_source" DO NOTHING
       RETURNING id`,
      [d.event_id, d.source_topic, d.source_partition, d.source_offset, d.record_key, d.value, JSON.stringify(d.headers), d.reason.slice(0, MAX_DEAD_LETTER_REASON_CHARS), d.attempts],
    );
    return rows[0]?.id ?? null;
  }

  /** Newest first, `limit + 1` rows (the extra one tells whether there is a next page). */
  async page(options: { limit: number; beforeId?: string; includeReplayed: boolean }): Promise<DeadLetterRow[]> {
    return this.dataSource.query<DeadLetterRow[]>(
      `SELECT * FROM message_worker.dead_letters
        WHERE ($1::bigint IS NULL OR id < $1) AND ($2 OR replayed_at IS NULL)
        ORDER BY id DESC LIMIT $3`,
      [options.beforeId ?? null, options.includeReplayed, options.limit + 1],
    );
  }

  /** Rows not replayed yet: the dead-letter queue's size. */
  async countPending(): Promise<number> {
    const [row] = await this.dataSource.query<{ pending: number }[]>(`SELECT count(*)::int AS pending FROM message_worker.dead_letters WHERE replayed_at IS NULL`);
    return row?.pending ?? 0;
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The row, locked until the transaction ends (two replays of one row queue). */
  async lock(tx: EntityManager, id: string): Promise<DeadLetterRow | undefined> {
    const [row] = await tx.query<DeadLetterRow[]>(`SELECT * FROM message_worker.dead_letters WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  async markReplayed(tx: EntityManager, id: string, replayedBy: string): Promise<DeadLetterRow> {
    const [row] = await tx.query<DeadLetterRow[]>(
      `WITH u AS (UPDATE message_worker.dead_letters SET replayed_at = now(), replayed_by = $2 WHERE id = $1 RETURNING *) SELECT * FROM u`,
      [id, replayedBy],
    );
    return row;
  }
}
