import {
  csvList,
  databaseEnv,
  grpcClientEnv,
  grpcServerEnv,
  intInRange,
  parseEnv,
  publicHttpEnv,
  redisEnv,
  serviceEnv,
  toDatabaseConfig,
  tokenEnv,
  toRedisConfig,
  toServiceConfig,
  toTokenVerificationConfig,
  urlWithProtocol,
  type EnvSource,
} from '@chat4all/config';
import { CONVERSATION_MAX_MEMBERS } from '@chat4all/contracts';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ internalPort: 9080 }),
  ...publicHttpEnv({ httpPort: 8080 }),
  ...grpcServerEnv({ grpcPort: 50052 }),
  ...databaseEnv,
  ...redisEnv,
  ...tokenEnv,
  ...grpcClientEnv('AUTH_GRPC_URL', '127.0.0.1:50051'),
  ...grpcClientEnv('DELIVERY_GRPC_URL', '127.0.0.1:50054'),
  ...grpcClientEnv('FILE_GRPC_URL', '127.0.0.1:50053'),
  // file-service's HTTP listener, where /v1/files/* (tus included) is streamed.
  FILE_SERVICE_URL: urlWithProtocol('http', 'https').default('http://127.0.0.1:8083'),
  // How long one forwarded upload request may take (a tus PATCH can carry a whole 2 GiB file).
  FILE_PROXY_TIMEOUT_MS: intInRange(1_000, 24 * 3600 * 1000).default(3600 * 1000),
  // Connections the gateway keeps to file-service (one upload request holds one while it streams).
  FILE_PROXY_CONNECTIONS: intInRange(1, 10_000).default(256),
  // NFR-016: how long a response stays replayable under its Idempotency-Key, and after how long a
  // request that never finished (its gateway died) frees its key.
  IDEMPOTENCY_KEY_TTL_SECONDS: intInRange(60, 7 * 24 * 3600).default(24 * 3600),
  IDEMPOTENCY_KEY_ABANDON_AFTER_SECONDS: intInRange(5, 3600).default(60),
  // Resume (FR-RT-06): a client further behind than this in one conversation is told to reset.
  REPLAY_MAX_MESSAGES: intInRange(1, 1_000_000).default(10_000),
  // Members of the conversation created when an external contact writes for the first time (the
  // agents of the shared inbox). Unset: such a message waits (retried, then dead-lettered by the worker)
  // until it is set, rather than landing in a conversation nobody can see.
  INBOUND_MEMBER_IDS: csvList().pipe(z.array(z.uuid({ error: 'must be user ids (UUIDs)' })).max(CONVERSATION_MAX_MEMBERS)).optional(),
  // FR-API-07: state-changing requests per user (or per IP before authentication) per minute.
  RATE_LIMIT_WRITE_PER_MINUTE: intInRange(1, 1_000_000).default(60),
  // The window both limits count in (fixed windows): the limits are per this many seconds.
  RATE_LIMIT_WINDOW_SECONDS: intInRange(1, 3600).default(60),
  // Against secret guessing on /auth/token, on top of the per-IP limit above.
  RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE: intInRange(1, 100_000).default(20),
  // Redis unreachable: 'allow' keeps the API available (limits lapse, a metric and a log line say
  // so); 'deny' answers 503 instead.
  RATE_LIMIT_ON_REDIS_ERROR: z.enum(['allow', 'deny']).default('allow'),
});

export function loadGatewayConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('gateway', env),
    database: toDatabaseConfig(env),
    redis: toRedisConfig(env),
    auth: toTokenVerificationConfig(env),
    grpc: { url: `${env.GRPC_HOST}:${env.GRPC_PORT}` },
    deliveryGrpcUrl: env.DELIVERY_GRPC_URL,
    files: { grpcUrl: env.FILE_GRPC_URL, serviceUrl: env.FILE_SERVICE_URL, proxyTimeoutMs: env.FILE_PROXY_TIMEOUT_MS, proxyConnections: env.FILE_PROXY_CONNECTIONS },
    replayMaxMessages: env.REPLAY_MAX_MESSAGES,
    inboundMemberIds: env.INBOUND_MEMBER_IDS ?? [],
    idempotency: { ttlSeconds: env.IDEMPOTENCY_KEY_TTL_SECONDS, abandonAfterSeconds: env.IDEMPOTENCY_KEY_ABANDON_AFTER_SECONDS },
    rateLimits: {
      writePerMinute: env.RATE_LIMIT_WRITE_PER_MINUTE,
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      tokenPerClientPerMinute: env.RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE,
      onRedisError: env.RATE_LIMIT_ON_REDIS_ERROR,
    },
  };
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
