import {
  databaseEnv,
  kafkaEnv,
  parseEnv,
  redisEnv,
  serviceEnv,
  toDatabaseConfig,
  toKafkaConfig,
  toRedisConfig,
  toServiceConfig,
  type EnvSource,
} from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8086 }),
  ...databaseEnv,
  ...kafkaEnv,
  ...redisEnv,
});

export function loadMessageWorkerConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('message-worker', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('message-worker', env),
    redis: toRedisConfig(env),
  };
}

export type MessageWorkerConfig = ReturnType<typeof loadMessageWorkerConfig>;
