import { databaseEnv, kafkaEnv, parseEnv, serviceEnv, toDatabaseConfig, toKafkaConfig, toServiceConfig, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8085 }),
  ...databaseEnv,
  ...kafkaEnv,
});

export function loadOutboxRelayConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('outbox-relay', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('outbox-relay', env),
  };
}

export type OutboxRelayConfig = ReturnType<typeof loadOutboxRelayConfig>;
