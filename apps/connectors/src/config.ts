import { databaseEnv, kafkaEnv, parseEnv, serviceEnv, toDatabaseConfig, toKafkaConfig, toServiceConfig, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8084 }),
  ...databaseEnv,
  ...kafkaEnv,
});

export function loadConnectorsConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('connectors', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('connectors', env),
  };
}

export type ConnectorsConfig = ReturnType<typeof loadConnectorsConfig>;
