import type { RedisConfig } from '@chat4all/config';
import { Redis } from 'ioredis';

// Commands fail fast while Redis is unreachable instead of queueing without bound in memory, and no
// command waits longer than the command timeout (a reply lost across a reconnect would otherwise
// hang its caller); the client keeps reconnecting with capped backoff.
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

export function createRedisClient(config: RedisConfig, connectionName: string): Redis {
  const client = new Redis(config.url, {
    connectionName,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors surface through readiness (/health/ready names Redis) and through the commands
  // that fail; without a listener ioredis would print each reconnect attempt as unhandled.
  client.on('error', () => undefined);
  return client;
}

/** A subscriber connection: a connection in subscribe mode can run no other command. */
export function createRedisSubscriber(config: RedisConfig, connectionName: string): Redis {
  return new Redis(config.url, {
    connectionName,
    lazyConnect: true,
    enableOfflineQueue: true,
    autoResubscribe: true,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
