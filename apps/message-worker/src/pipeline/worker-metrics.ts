import { Counter, Histogram, register } from 'prom-client';

// The worker's counters (FR-DP-06/07, NFR-015): what an SRE alerts on. message_worker_dead_letters_total
// is the dead-letter sink's (@chat4all/kafka), the same counter in every app that dead-letters.
export const eventsHandled = new Counter({
  name: 'message_worker_events_total',
  help: 'Events handled by the message worker, by topic and outcome (processed, duplicate, dead_lettered)',
  labelNames: ['topic', 'outcome'],
  registers: [register],
});

export const retries = new Counter({
  name: 'message_worker_retries_total',
  help: 'Retries of events whose processing failed',
  labelNames: ['topic'],
  registers: [register],
});

export const statusIgnored = new Counter({
  name: 'message_worker_status_not_forward_total',
  help: 'Status changes ignored because they would move a message backwards (late or duplicated receipts)',
  registers: [register],
});

export const acceptToProcessed = new Histogram({
  name: 'message_worker_accept_to_processed_seconds',
  help: 'From the gateway accepting a message to the worker committing its processing',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [register],
});

export const inboundIngested = new Counter({
  name: 'message_worker_inbound_messages_total',
  help: "Contacts' inbound messages handed to gateway, by channel and outcome (created, duplicate: a redelivered webhook)",
  labelNames: ['channel', 'outcome'],
  registers: [register],
});
