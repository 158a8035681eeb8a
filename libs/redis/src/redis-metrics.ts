import { metricPrefix, registeredCounter } from '@chat4all/telemetry';
import type { Redis } from 'ioredis';

/**
 * Counts the client's 'error' events in `<service>_redis_errors_total{client}`: ioredis emits one per
 * failed connection attempt or lost connection (failed commands reject their own promise instead).
 * The series starts at 0, so rate() sees the first error.
 */
export function countRedisErrors(redis: Redis, service: string, client: string): void {
  const errors = registeredCounter({
    name: `${metricPrefix(service)}_redis_errors_total`,
    help: 'Redis connection errors (ioredis error events), by client (commands, subscriber)',
    labelNames: ['client'],
  });
  errors.inc({ client }, 0);
  redis.on('error', () => errors.inc({ client }));
}
