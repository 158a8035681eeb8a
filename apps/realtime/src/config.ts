import { grpcClientEnv, parseEnv, redisEnv, serviceEnv, tokenEnv, toRedisConfig, toServiceConfig, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8081 }),
  ...redisEnv,
  ...tokenEnv,
  ...grpcClientEnv('AUTH_GRPC_URL', '127.0.0.1:50051'),
  ...grpcClientEnv('MESSAGING_GRPC_URL', '127.0.0.1:50052'),
});

export function loadRealtimeConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('realtime', env),
    redis: toRedisConfig(env),
    auth: {
      authGrpcUrl: env.AUTH_GRPC_URL,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      clockToleranceSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
    },
    messaging: { grpcUrl: env.MESSAGING_GRPC_URL },
  };
}

export type RealtimeConfig = ReturnType<typeof loadRealtimeConfig>;
