import { Counter, Gauge, Histogram, register } from 'prom-client';

export const BREAKER_STATE = { closed: 0, half_open: 1, open: 2 } as const;

export const breakerState = new Gauge({
  name: 'connectors_circuit_state',
  help: 'Circuit breaker per provider: 0 closed, 1 half-open (one trial send), 2 open (sends wait)',
  labelNames: ['channel'],
  registers: [register],
});

export const breakerTransitions = new Counter({
  name: 'connectors_circuit_transitions_total',
  help: 'Circuit breaker state changes per provider',
  labelNames: ['channel', 'to'],
  registers: [register],
});

export const sends = new Counter({
  name: 'connectors_sends_total',
  help: 'Send attempts per provider by outcome (sent, failed: permanent, retryable_error, duplicate: already sent)',
  labelNames: ['channel', 'outcome'],
  registers: [register],
});

export const sendDuration = new Histogram({
  name: 'connectors_send_duration_seconds',
  help: "Time the provider's send API took to answer",
  labelNames: ['channel'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [register],
});

export const acceptToSent = new Histogram({
  name: 'connectors_accept_to_sent_seconds',
  help: 'From the gateway accepting a message to its provider accepting the send, by channel',
  labelNames: ['channel'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [register],
});

export const webhooks = new Counter({
  name: 'connectors_webhooks_total',
  help: 'Webhook requests per channel by outcome (accepted, rate_limited, bad_signature, unsupported_media_type, bad_payload, unavailable)',
  labelNames: ['channel', 'outcome'],
  registers: [register],
});

export const receiptsParked = new Counter({
  name: 'connectors_receipts_parked_total',
  help: 'Provider receipts that arrived before the send they are about was recorded, kept until it is',
  labelNames: ['channel'],
  registers: [register],
});

export const receiptsReleased = new Counter({
  name: 'connectors_receipts_released_total',
  help: 'Parked receipts published once their send was recorded',
  labelNames: ['channel'],
  registers: [register],
});

export const receiptsExpired = new Counter({
  name: 'connectors_receipts_expired_total',
  help: 'Parked receipts dropped after CONNECTOR_EARLY_RECEIPT_RETENTION_HOURS without their send on record',
  labelNames: ['channel'],
  registers: [register],
});
