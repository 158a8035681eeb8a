import { grpcClientEnv, parseEnv, redisEnv, serviceEnv, toRedisConfig, toServiceConfig, type EnvSource } from '@chat4all/config';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv({ httpPort: 8081 }),
  ...redisEnv,
  ...grpcClientEnv('MESSAGING_GRPC_URL', '127.0.0.1:50052'),
});

export function loadRealtimeConfig(source?: EnvSource) {
  const env = parseEnv(schema, source);
  return {
    service: toServiceConfig('realtime', env),
    redis: toRedisConfig(env),
    messaging: { grpcUrl: env.MESSAGING_GRPC_URL },
  };
}

export type RealtimeConfig = ReturnType<typeof loadRealtimeConfig>;
