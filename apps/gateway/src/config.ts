import {
  databaseEnv,
  grpcClientEnv,
  intInRange,
  parseEnv,
  redisEnv,
  serviceEnv,
  toDatabaseConfig,
  tokenEnv,
  toRedisConfig,
  toServiceConfig,
  type EnvSource,
} from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8080 }),
  ...databaseEnv,
  ...redisEnv,
  ...tokenEnv,
  ...grpcClientEnv('AUTH_GRPC_URL', '127.0.0.1:50051'),
  AUTH_CLOCK_SKEW_SECONDS: intInRange(0, 300).default(30),
});

export function loadGatewayConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('gateway', env),
    database: toDatabaseConfig(env),
    redis: toRedisConfig(env),
    auth: {
      authGrpcUrl: env.AUTH_GRPC_URL,
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      clockToleranceSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
    },
  };
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
