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

/** The raw variables, to hand to app processes the tests start. */
export function stackVariables(): Record<string, string> {
  const names = [...Object.keys(schema.shape)];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]]] : [])));
}

/**
 * Where an app sends its spans and log lines on the test stack (its Zipkin and VictoriaLogs): only for
 * the tests that read them. Every other test app exports nothing, which keeps the suite's load (a
 * Zipkin ingesting every span of every app) off the tests that measure timing.
 */
export function observabilityVariables(): Record<string, string> {
  const names = ['OTEL_EXPORTER_ZIPKIN_ENDPOINT', 'LOG_SHIP_URL'];
  return Object.fromEntries(names.flatMap((n) => (process.env[n] ? [[n, process.env[n]]] : [])));
}
