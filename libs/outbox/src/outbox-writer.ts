import type { EventEnvelope } from '@chat4all/contracts';
import { injectTraceHeaders } from '@chat4all/telemetry';
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
    await tx.query(
      `INSERT INTO ${this.table} (event_id, topic, partition_key, bucket, event_type, envelope, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [envelope.event_id, topic, partitionKey, outboxBucket(partitionKey), envelope.type, JSON.stringify(envelope), JSON.stringify(injectTraceHeaders({}))],
    );
    outboxCommitSignal(tx.dataSource).written(tx, this.table);
  }
}
