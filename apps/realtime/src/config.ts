import { grpcClientEnv, intInRange, parseEnv, publicHttpEnv, redisEnv, serviceEnv, tokenEnv, toRedisConfig, toServiceConfig, toTokenVerificationConfig, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ internalPort: 9081 }),
  ...publicHttpEnv({ httpPort: 8081 }),
  ...redisEnv,
  ...tokenEnv,
  ...grpcClientEnv('AUTH_GRPC_URL', '127.0.0.1:50051'),
  ...grpcClientEnv('MESSAGING_GRPC_URL', '127.0.0.1:50052'),
  // FR-RT-07: a ping every interval; a connection silent (no pong, no frame) for the timeout is closed.
  WS_HEARTBEAT_INTERVAL_MS: intInRange(100, 600_000).default(30_000),
  WS_HEARTBEAT_TIMEOUT_MS: intInRange(200, 1_200_000).default(60_000),
  // Per user on one instance, and frames per second a client may send on one connection (4008 beyond).
  WS_MAX_CONNECTIONS_PER_USER: intInRange(1, 1000).default(10),
  WS_MAX_FRAMES_PER_SECOND: intInRange(1, 10_000).default(20),
  WS_MAX_FRAME_BYTES: intInRange(256, 16 * 1024 * 1024).default(64 * 1024),
  // Conversations one resume frame may name.
  WS_RESUME_MAX_CONVERSATIONS: intInRange(1, 100_000).default(1000),
  // SIGTERM: connections are closed (1001, reconnect hint) spread over this long.
  WS_DRAIN_MS: intInRange(0, 60_000).default(3000),
});

export function loadRealtimeConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('realtime', env),
    redis: toRedisConfig(env),
    auth: toTokenVerificationConfig(env),
    messaging: { grpcUrl: env.MESSAGING_GRPC_URL },
    ws: {
      heartbeatIntervalMs: env.WS_HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: env.WS_HEARTBEAT_TIMEOUT_MS,
      maxConnectionsPerUser: env.WS_MAX_CONNECTIONS_PER_USER,
      maxFramesPerSecond: env.WS_MAX_FRAMES_PER_SECOND,
      maxFrameBytes: env.WS_MAX_FRAME_BYTES,
      resumeMaxConversations: env.WS_RESUME_MAX_CONVERSATIONS,
      drainMs: env.WS_DRAIN_MS,
    },
  };
}

export type RealtimeConfig = ReturnType<typeof loadRealtimeConfig>;
export const WS_CONFIG = Symbol('WS_CONFIG');
export const REDIS_CONFIG = Symbol('REDIS_CONFIG');
