import {
  databaseEnv,
  grpcClientEnv,
  parseEnv,
  redisEnv,
  serviceEnv,
  toDatabaseConfig,
  toRedisConfig,
  toServiceConfig,
  type EnvSource,
} from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8080 }),
  ...databaseEnv,
  ...redisEnv,
  ...grpcClientEnv('AUTH_GRPC_URL', '127.0.0.1:50051'),
});

export function loadGatewayConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('gateway', env),
    database: toDatabaseConfig(env),
    redis: toRedisConfig(env),
    auth: { grpcUrl: env.AUTH_GRPC_URL },
  };
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
