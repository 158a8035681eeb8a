import { databaseEnv, grpcServerEnv, parseEnv, serviceEnv, toDatabaseConfig, toServiceConfig, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8082 }),
  ...grpcServerEnv({ grpcPort: 50051 }),
  ...databaseEnv,
});

export function loadAuthConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('auth', env),
    grpc: { url: `${env.GRPC_HOST}:${env.GRPC_PORT}` },
    database: toDatabaseConfig(env),
  };
}

export type AuthConfig = ReturnType<typeof loadAuthConfig>;
