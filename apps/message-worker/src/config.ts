import {
  csvList,
  databaseEnv,
  grpcClientEnv,
  grpcServerEnv,
  intInRange,
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
  ...serviceEnv({ internalPort: 9086 }),
  ...grpcServerEnv({ grpcPort: 50054 }),
  ...databaseEnv,
  ...kafkaEnv,
  ...redisEnv,
  // gateway's MessagingService: where contacts' inbound messages are written (gateway owns messages).
  ...grpcClientEnv('MESSAGING_GRPC_URL', '127.0.0.1:50052'),
  // FR-DP-05: pauses before each retry of a failing event; after the last one it is dead-lettered.
  WORKER_RETRY_BACKOFF_MS: csvList().pipe(z.array(z.string().regex(/^\d+$/, 'must be milliseconds').transform(Number).pipe(z.number().int().max(600_000))).max(10)).default([1000, 2000, 4000]),
  // How long an event whose failure says a dependency is down (PostgreSQL failing over, the gateway
  // unreachable) keeps being retried, at the last pause, before it is dead-lettered anyway.
  WORKER_OUTAGE_RETRY_MAX_MS: intInRange(0, 3_600_000).default(300_000),
  // Partitions processed at once by one instance (records of one partition: always one at a time).
  WORKER_PARTITION_CONCURRENCY: intInRange(1, 64).default(4),
  // Prefix of the consumer groups: one per topic, `<prefix>.<topic>`; also the inbox's dedupe scope.
  WORKER_CONSUMER_GROUP: z.string().min(1).default('message-worker'),
  // How long the group waits for an instance that stopped heartbeating (crashed) before its
  // partitions move to another; events of those partitions wait that long.
  WORKER_SESSION_TIMEOUT_MS: intInRange(6_000, 300_000).default(10_000),
});

export function loadMessageWorkerConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('message-worker', env),
    grpc: { url: `${env.GRPC_HOST}:${env.GRPC_PORT}` },
    database: toDatabaseConfig(env),
    kafka: toKafkaConfig('message-worker', env),
    redis: toRedisConfig(env),
    messagingGrpcUrl: env.MESSAGING_GRPC_URL,
    worker: {
      retryBackoffMs: env.WORKER_RETRY_BACKOFF_MS,
      outageRetryMaxMs: env.WORKER_OUTAGE_RETRY_MAX_MS,
      partitionConcurrency: env.WORKER_PARTITION_CONCURRENCY,
      consumerGroup: env.WORKER_CONSUMER_GROUP,
      sessionTimeoutMs: env.WORKER_SESSION_TIMEOUT_MS,
    },
  };
}

export type MessageWorkerConfig = ReturnType<typeof loadMessageWorkerConfig>;
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
