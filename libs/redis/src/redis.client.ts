import type { RedisConfig } from '@chat4all/config';
import { Redis } from 'ioredis';

// Commands fail fast while Redis is unreachable instead of queueing without bound in memory; the
// client keeps reconnecting with capped backoff, and subscriptions are restored on reconnect.
export function createRedisClient(config: RedisConfig, connectionName: string): Redis {
  return new Redis(config.url, {
    connectionName,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
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
