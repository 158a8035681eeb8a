import { metricPrefix, registeredGauge } from '@chat4all/telemetry';
import type { DataSource } from 'typeorm';

/** What pg's Pool counts (TypeORM's postgres driver keeps it as `driver.master`). */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface PoolStats {
  max: number;
  inUse: number;
  idle: number;
  waiting: number;
}

export const poolStats = (pool: PoolCounts, max: number): PoolStats => ({
  max,
  inUse: Math.max(0, pool.totalCount - pool.idleCount),
  idle: pool.idleCount,
  waiting: pool.waitingCount,
});

// The pool each app's gauges read, by metric prefix: a later DataSource (a start-up retry's) replaces
// an earlier one, and the gauges, registered once, read whichever is current.
const pools = new Map<string, () => PoolStats>();

const GAUGES: readonly { suffix: string; help: string; value: (s: PoolStats) => number }[] = [
  { suffix: 'db_pool_connections_max', help: 'Connections the PostgreSQL pool may open (DATABASE_POOL_MAX)', value: (s) => s.max },
  { suffix: 'db_pool_connections_in_use', help: 'PostgreSQL connections checked out of the pool', value: (s) => s.inUse },
  { suffix: 'db_pool_connections_idle', help: 'PostgreSQL connections open and idle in the pool', value: (s) => s.idle },
  { suffix: 'db_pool_requests_waiting', help: 'Callers queued for a PostgreSQL connection (the pool is exhausted)', value: (s) => s.waiting },
];

/**
 * `<service>_db_pool_*` gauges of the DataSource's pg pool, read at scrape time (collect()): the
 * counts are in memory, so nothing is polled and a scrape always sees the current ones.
 */
export function instrumentPool(dataSource: DataSource, service: string, max: number): void {
  const prefix = metricPrefix(service);
  const pool = (dataSource.driver as unknown as { master?: PoolCounts }).master;
  if (!pool) return;
  pools.set(prefix, () => poolStats(pool, max));
  for (const { suffix, help, value } of GAUGES) {
    registeredGauge({
      name: `${prefix}_${suffix}`,
      help,
      collect() {
        const stats = pools.get(prefix)?.();
        if (stats) this.set(value(stats));
      },
    });
  }
}
