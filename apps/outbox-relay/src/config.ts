import { csvList, databaseEnv, intInRange, kafkaEnv, parseEnv, serviceEnv, toDatabaseConfig, toKafkaConfig, toServiceConfig, type EnvSource } from '@chat4all/config';
import { OUTBOX_TABLES } from '@chat4all/outbox';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ internalPort: 9085 }),
  ...databaseEnv,
  ...kafkaEnv,
  // Events per bucket per transaction.
  OUTBOX_BATCH_SIZE: intInRange(1, 5_000).default(500),
  // Writers wake the relay when they commit (LISTEN/NOTIFY); polling is the safety net: at this pace
  // while the listening connection is up, at the fallback pace while it is down.
  OUTBOX_POLL_INTERVAL_MS: intInRange(10, 60_000).default(10_000),
  OUTBOX_FALLBACK_POLL_INTERVAL_MS: intInRange(10, 10_000).default(100),
  // The outbox tables drained (schema.table), each with buckets locked apart from the others'.
  OUTBOX_TABLES: csvList().pipe(z.array(z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be schema.table')).min(1)).default([...OUTBOX_TABLES]),
});

export function loadOutboxRelayConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('outbox-relay', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('outbox-relay', env),
    relay: {
      batchSize: env.OUTBOX_BATCH_SIZE,
      pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      fallbackPollIntervalMs: env.OUTBOX_FALLBACK_POLL_INTERVAL_MS,
      tables: env.OUTBOX_TABLES,
      databaseUrl: env.DATABASE_URL,
    },
  };
}

export type OutboxRelayConfig = ReturnType<typeof loadOutboxRelayConfig>;
export const RELAY_CONFIG = Symbol('RELAY_CONFIG');
