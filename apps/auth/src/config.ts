import {
  databaseEnv,
  grpcServerEnv,
  intInRange,
  parseEnv,
  serviceEnv,
  toDatabaseConfig,
  tokenEnv,
  toServiceConfig,
  type EnvSource,
} from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ internalPort: 9082 }),
  ...grpcServerEnv({ grpcPort: 50051 }),
  ...databaseEnv,
  ...tokenEnv,
  // Single tenant (spec clarification 4): one configured value in every token.
  TENANT_ID: z.string().min(1).max(100).default('chat4all'),
  // Access-token lifetime; under a minute only makes sense in tests (expiry of sockets and sessions).
  ACCESS_TOKEN_TTL_SECONDS: intInRange(5, 3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: intInRange(3600, 90 * 24 * 3600).default(30 * 24 * 3600),
});

export function loadAuthConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('auth', env),
    grpc: { url: `${env.GRPC_HOST}:${env.GRPC_PORT}` },
    database: toDatabaseConfig(env),
    tokens: {
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      tenantId: env.TENANT_ID,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    },
  };
}

export type AuthConfig = ReturnType<typeof loadAuthConfig>;
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
