import { defineProblemTypes } from '@chat4all/platform';

export const IdempotencyProblems = defineProblemTypes({
  invalidIdempotencyKey: { slug: 'invalid-idempotency-key', status: 400, title: 'Invalid Idempotency-Key' },
  idempotencyKeyInFlight: { slug: 'idempotency-key-in-flight', status: 409, title: 'Request in progress' },
  idempotencyKeyReused: { slug: 'idempotency-key-reused', status: 422, title: 'Idempotency-Key reused' },
});
