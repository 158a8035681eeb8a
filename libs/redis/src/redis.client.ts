import type { RedisConfig } from '@chat4all/config';
import { startup } from '@chat4all/platform';
import { Redis } from 'ioredis';

// Commands fail fast while Redis is unreachable instead of queueing without bound in memory (no
// offline queue, one retry), and no command waits longer than REDIS_COMMAND_TIMEOUT_MS (a reply lost
// across a reconnect would otherwise hang its caller); the client keeps reconnecting with capped
// backoff. That is a circuit breaker's effect already (NFR-004): while the connection is down every
// command fails at once, and the reconnect loop is the half-open probe.

export function createRedisClient(config: RedisConfig, connectionName: string): Redis {
  const client = new Redis(config.url, {
    connectionName,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: config.connectTimeoutMs,
    commandTimeout: config.commandTimeoutMs,
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
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

/** Redis refused the credentials or the selected database: no retry fixes that. */
export function isPermanentRedisError(error: unknown): boolean {
  return error instanceof Error && /^(WRONGPASS|NOAUTH|NOPERM)|invalid password|DB index is out of range/i.test(error.message);
}

// How long one start-up attempt waits for a connection under way before counting as failed.
const CONNECT_ATTEMPT_WAIT_MS = 2_000;

const untilReady = (client: Redis, ms: number) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', ready);
      reject(new Error('not ready'));
    }, ms);
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', ready);
  });

/**
 * Connects a lazy client as a start-up step: ioredis keeps reconnecting by itself after a failed first
 * attempt, and start-up waits (bounded, see @chat4all/platform startup) until a PING answers; Redis
 * refusing the credentials stops start-up at once.
 */
export async function connectAtStartup(client: Redis, connectionName: string): Promise<void> {
  let lastError: Error | undefined;
  const remember = (error: Error) => (lastError = error);
  client.on('error', remember);
  client.connect().catch(remember);
  try {
    await startup.step(
      'redis',
      `connect (${connectionName})`,
      async () => {
        if (client.status !== 'ready') await untilReady(client, CONNECT_ATTEMPT_WAIT_MS).catch(() => Promise.reject(lastError ?? new Error(`connection ${client.status}`)));
        await client.ping();
      },
      { isPermanent: () => isPermanentRedisError(lastError) },
    );
  } finally {
    client.off('error', remember);
  }
}
