import { z } from 'zod';

// (The global crypto, not node:crypto: contracts are also used by the browser, through the SDK.)
// Every Kafka record carries this envelope as its JSON value (ARCHITECTURE §3); the W3C trace
// context travels in the record headers, not here.
export const eventEnvelopeSchema = z.object({
  event_id: z.uuid(),
  type: z.string().min(1).max(200),
  occurred_at: z.iso.datetime({ offset: true }),
  aggregate_id: z.string().min(1).max(200),
  payload: z.unknown(),
});

export type EventEnvelope<P = unknown> = Omit<z.infer<typeof eventEnvelopeSchema>, 'payload'> & { payload: P };

export function createEnvelope<P>(
  type: string,
  aggregateId: string,
  payload: P,
  options: { eventId?: string; occurredAt?: Date } = {},
): EventEnvelope<P> {
  return {
    event_id: options.eventId ?? crypto.randomUUID(),
    type,
    occurred_at: (options.occurredAt ?? new Date()).toISOString(),
    aggregate_id: aggregateId,
    payload,
  };
}

export class InvalidEnvelopeError extends Error {
  constructor(readonly reason: string) {
    super(`invalid event envelope: ${reason}`);
    this.name = 'InvalidEnvelopeError';
  }
}

export function decodeEnvelope(value: Buffer | string | null): EventEnvelope {
  if (value === null) throw new InvalidEnvelopeError('record has no value');
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch {
    throw new InvalidEnvelopeError('value is not JSON');
  }
  const parsed = eventEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidEnvelopeError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}
