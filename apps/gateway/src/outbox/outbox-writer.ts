import { outboxBucket, type EventEnvelope } from '@chat4all/contracts';
import { injectTraceHeaders } from '@chat4all/telemetry';
import type { EntityManager } from 'typeorm';

/**
 * Adds an event to the outbox inside the caller's transaction: it is published (by outbox-relay) if
 * and only if that transaction commits. The current trace context travels with it.
 */
export async function writeOutboxEvent(tx: EntityManager, topic: string, partitionKey: string, envelope: EventEnvelope): Promise<void> {
  await tx.query(
    `INSERT INTO gateway.outbox_events (event_id, topic, partition_key, bucket, event_type, envelope, headers)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [envelope.event_id, topic, partitionKey, outboxBucket(partitionKey), envelope.type, JSON.stringify(envelope), JSON.stringify(injectTraceHeaders({}))],
  );
}
