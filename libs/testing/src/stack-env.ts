import {
  databaseEnv,
  kafkaEnv,
  parseEnv,
  redisEnv,
  s3Env,
  toDatabaseConfig,
  toKafkaConfig,
  toRedisConfig,
  toStorageConfig,
} from '@chat4all/config';
import { z } from 'zod';

// Tests reach the same running stack as the apps: the URLs `tools/stack/stack.sh env` prints
// (exported by `npm test`), or external servers given by the same variables.
const schema = z.object({ ...databaseEnv, ...redisEnv, ...kafkaEnv, ...s3Env });

export function stackEnv() {
  const env = parseEnv(schema, process.env);
  return {
    database: toDatabaseConfig(env),
    redis: toRedisConfig(env),
    kafka: toKafkaConfig(`test-${process.pid}`, env),
    storage: toStorageConfig(env),
  };
}

// Where the apps the tests start send their spans and log lines (the test stack's Zipkin and
// VictoriaLogs, when it runs them).
const OBSERVABILITY_VARIABLES = ['OTEL_EXPORTER_ZIPKIN_ENDPOINT', 'LOG_SHIP_URL'];

/** The raw variables, to hand to app processes the tests start. */
export function stackVariables(): Record<string, string> {
  const names = [...Object.keys(schema.shape), ...OBSERVABILITY_VARIABLES];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]]] : [])));
}
