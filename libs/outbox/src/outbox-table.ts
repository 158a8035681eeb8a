// The outbox tables: the gateway's (messages, read horizons) and file-service's (merge requests), each
// written by its app in its own transactions and drained by outbox-relay.
export const OUTBOX_TABLE = 'gateway.outbox_events';

/** Every outbox outbox-relay drains by default: the gateway's and file-service's (same shape). */
export const OUTBOX_TABLES = ['gateway.outbox_events', 'file_service.outbox_events'] as const;

/** Nest token to point the outbox at another table (tests use a schema of their own). */
export const OUTBOX_TABLE_NAME = 'OUTBOX_TABLE_NAME';
