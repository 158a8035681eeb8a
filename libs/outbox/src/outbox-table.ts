// The one table both sides of the outbox use: the gateway writes it, outbox-relay drains it.
export const OUTBOX_TABLE = 'gateway.outbox_events';

/** Nest token to point the outbox at another table (tests use a schema of their own). */
export const OUTBOX_TABLE_NAME = 'OUTBOX_TABLE_NAME';
