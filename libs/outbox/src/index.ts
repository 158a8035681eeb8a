export { OUTBOX_BUCKETS, outboxBucket } from './outbox-buckets';
export { OutboxEvent } from './outbox-event.entity';
export { createOutboxEventsTable } from './outbox-events.migration';
export { OUTBOX_TABLE, OUTBOX_TABLE_NAME, OUTBOX_TABLES } from './outbox-table';
export { OutboxWriter } from './outbox-writer';
export type { OutboxRow } from './outbox-writer';
export { OUTBOX_LOCK_NAMESPACE, OutboxRepository, RELAY_LOCK_NAMESPACE } from './outbox.repository';
export type { OutboxPendingStats, PendingOutboxEvent } from './outbox.repository';
export { OUTBOX_CHANNEL, outboxCommitSignal } from './outbox-signal';
