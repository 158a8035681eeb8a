import type { EventEnvelope } from '@chat4all/contracts';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OUTBOX_BUCKETS } from './outbox-buckets';
import { OUTBOX_TABLE, OUTBOX_TABLE_NAME } from './outbox-table';

/** Nest token of the advisory-lock namespace (next to OUTBOX_TABLE_NAME). */
export const OUTBOX_LOCK_NAMESPACE = 'OUTBOX_LOCK_NAMESPACE';

/** One outbox row as the relay publishes it. */
export interface PendingOutboxEvent {
  id: string;
  topic: string;
  partitionKey: string;
  envelope: EventEnvelope;
  /** The trace context stored with the row when it was written. */
  traceHeaders: Record<string, string>;
}

export interface OutboxPendingStats {
  pending: number;
  oldestAgeSeconds: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  partition_key: string;
  envelope: EventEnvelope;
  headers: Record<string, string>;
}

// Advisory-lock namespace for relay buckets (two-int form: namespace, bucket).
export const RELAY_LOCK_NAMESPACE = 20_251_125;

// The relay's side of the outbox (FR-DP-03): at least once and in per-conversation order. A bucket's
// rows go out in id order inside one transaction that holds that bucket's advisory lock and deletes
// what it published; a crash anywhere before commit leaves the rows to be published again.
@Injectable()
export class OutboxRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(OUTBOX_TABLE_NAME) readonly table: string = OUTBOX_TABLE,
    /** Advisory-lock namespace of this table's buckets: one per outbox table a relay drains. */
    @Optional() @Inject(OUTBOX_LOCK_NAMESPACE) private readonly lockNamespace: number = RELAY_LOCK_NAMESPACE,
  ) {}

  /**
   * Claims up to `limit` rows of `bucket` (skipping the bucket if another relay holds it), hands them
   * to `publish`, deletes them once it resolves and commits. Returns how many rows were published.
   */
  relayBucket(bucket: number, limit: number, publish: (events: PendingOutboxEvent[]) => Promise<unknown>): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1, $2) AS locked`, [this.lockNamespace, bucket]);
      if (!lock?.locked) return 0;
      const rows = await tx.query<OutboxRow[]>(
        `SELECT id, topic, partition_key, envelope, headers FROM ${this.table} WHERE bucket = $1 ORDER BY id LIMIT $2`,
        [bucket, limit],
      );
      if (rows.length === 0) return 0;
      await publish(rows.map((r) => ({ id: r.id, topic: r.topic, partitionKey: r.partition_key, envelope: r.envelope, traceHeaders: r.headers })));
      await tx.query(`DELETE FROM ${this.table} WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /**
   * The buckets that have events waiting (rows are deleted once published), ascending: one index probe
   * per bucket, however long the backlog, so a pass visits only buckets with work.
   */
  async pendingBuckets(): Promise<number[]> {
    const rows = await this.dataSource.query<{ bucket: number }[]>(
      `SELECT b AS bucket FROM generate_series(0, $1::int - 1) b WHERE EXISTS (SELECT 1 FROM ${this.table} WHERE bucket = b) ORDER BY b`,
      [OUTBOX_BUCKETS],
    );
    return rows.map((r) => Number(r.bucket));
  }

  /** Events waiting, and the age in seconds of the oldest (0 when the outbox is empty): the relay's lag. */
  async pendingStats(): Promise<OutboxPendingStats> {
    const [row] = await this.dataSource.query<{ pending: number; age: number | null }[]>(
      `SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM ${this.table}`,
    );
    return { pending: row?.pending ?? 0, oldestAgeSeconds: Math.max(0, row?.age ?? 0) };
  }
}
