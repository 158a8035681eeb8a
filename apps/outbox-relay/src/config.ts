import { databaseEnv, intInRange, kafkaEnv, parseEnv, serviceEnv, toDatabaseConfig, toKafkaConfig, toServiceConfig, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ internalPort: 9085 }),
  ...databaseEnv,
  ...kafkaEnv,
  // Events per bucket per transaction, and the pause when the outbox is empty.
  OUTBOX_BATCH_SIZE: intInRange(1, 5_000).default(500),
  OUTBOX_POLL_INTERVAL_MS: intInRange(10, 10_000).default(100),
});

export function loadOutboxRelayConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('outbox-relay', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('outbox-relay', env),
    relay: { batchSize: env.OUTBOX_BATCH_SIZE, pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS },
  };
}

export type OutboxRelayConfig = ReturnType<typeof loadOutboxRelayConfig>;
export const RELAY_CONFIG = Symbol('RELAY_CONFIG');
