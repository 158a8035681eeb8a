import {
  databaseEnv,
  kafkaEnv,
  parseEnv,
  s3Env,
  serviceEnv,
  toDatabaseConfig,
  toKafkaConfig,
  toServiceConfig,
  toStorageConfig,
  type EnvSource,
} from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ internalPort: 9083 }),
  ...databaseEnv,
  ...kafkaEnv,
  ...s3Env,
});

export function loadFileServiceConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('file-service', env),
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('file-service', env),
    storage: toStorageConfig(env),
  };
}

export type FileServiceConfig = ReturnType<typeof loadFileServiceConfig>;
