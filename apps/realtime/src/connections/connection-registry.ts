import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter, register } from 'prom-client';

const fallbacks = new Counter({
  name: 'realtime_connection_registry_fallbacks_total',
  help: 'Connection limit checks made per instance because Redis was unreachable',
  registers: [register],
});

// Drops the entries older than ARGV[1] (instances that died), then admits the connection if the user
// holds fewer than ARGV[2]; atomic, so two instances cannot both admit the last free place.
const CLAIM = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

const key = (userId: string) => `rt:connections:${userId}`;

/**
 * The per-user connection limit across all realtime instances: each user's open connections are a
 * Redis sorted set (connection id → last heartbeat). Entries are refreshed on every heartbeat round
 * and expire after the heartbeat timeout, so a crashed instance's connections stop counting within
 * it. With Redis unreachable the limit is checked per instance (metric and log line), rather than
 * refusing every connection.
 */
export class ConnectionRegistry {
  private readonly logger = new Logger(ConnectionRegistry.name);

  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
    private readonly ttlMs: number,
  ) {}

  async claim(userId: string, connectionId: string, heldHere: number): Promise<boolean> {
    const now = Date.now();
    try {
      return (await this.redis.eval(CLAIM, 1, key(userId), now - this.ttlMs, this.limit, now, connectionId, this.ttlMs)) === 1;
    } catch (error) {
      fallbacks.inc();
      this.logger.warn({ err: error, user_id: userId, message: 'connection registry unreachable: limit checked on this instance only' });
      return heldHere < this.limit;
    }
  }

  release(userId: string, connectionId: string): void {
    this.redis.zrem(key(userId), connectionId).catch(() => undefined); // expires anyway
  }

  /** Marks these connections alive (one round trip for all). */
  refresh(connections: readonly { userId: string; id: string }[]): void {
    if (connections.length === 0) return;
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const c of connections) pipeline.zadd(key(c.userId), now, c.id).pexpire(key(c.userId), this.ttlMs);
    pipeline.exec().catch(() => undefined);
  }
}
