import type { EventEnvelope } from '@chat4all/contracts';
import { injectTraceHeaders, type RecordHeaders } from '@chat4all/telemetry';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { outboxBucket } from './outbox-buckets';
import { outboxCommitSignal } from './outbox-signal';
import { OUTBOX_TABLE, OUTBOX_TABLE_NAME } from './outbox-table';

/**
 * Adds an event to the outbox inside the caller's transaction: it is published (by outbox-relay) if
 * and only if that transaction commits. The current trace context travels with it, and the relays
 * are woken once the transaction commits (outbox-signal).
 */
@Injectable()
export class OutboxWriter {
  constructor(@Optional() @Inject(OUTBOX_TABLE_NAME) private readonly table: string = OUTBOX_TABLE) {}

  async append(tx: EntityManager, topic: string, partitionKey: string, envelope: EventEnvelope): Promise<void> {
    const r = this.row(topic, partitionKey, envelope);
    await tx.query(
      `INSERT INTO ${this.table} (event_id, topic, partition_key, bucket, event_type, envelope, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.event_id, r.topic, r.partition_key, r.bucket, r.event_type, JSON.stringify(r.envelope), JSON.stringify(r.headers)],
    );
    this.written(tx);
  }

  /**
   * The outbox row of an event, for a database function that inserts it itself (in the same
   * statement as the change it announces); call written() once that statement has run.
   */
  row(topic: string, partitionKey: string, envelope: EventEnvelope): OutboxRow {
    return { event_id: envelope.event_id, topic, partition_key: partitionKey, bucket: outboxBucket(partitionKey), event_type: envelope.type, envelope, headers: injectTraceHeaders({}) };
  }

  /** Rows were written through `m`: wake the relays now (autocommit) or when its transaction commits. */
  written(m: EntityManager): void {
    outboxCommitSignal(m.dataSource).written(m, this.table);
  }
}

/** An outbox_events row as its columns (envelope and headers as JSON). */
export interface OutboxRow {
  event_id: string;
  topic: string;
  partition_key: string;
  bucket: number;
  event_type: string;
  envelope: EventEnvelope;
  headers: RecordHeaders;
}
