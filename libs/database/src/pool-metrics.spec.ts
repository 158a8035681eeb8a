import { register } from 'prom-client';
import type { DataSource } from 'typeorm';
import { instrumentPool, poolStats } from './pool-metrics';

describe('pool metrics', () => {
  it('counts checked-out connections as open minus idle', () => {
    expect(poolStats({ totalCount: 7, idleCount: 2, waitingCount: 3 }, 10)).toEqual({ max: 10, inUse: 5, idle: 2, waiting: 3 });
  });

  it("reads the pg pool's counts at scrape time, from the latest DataSource", async () => {
    const service = `pool-unit-${process.pid}`;
    const prefix = `pool_unit_${process.pid}`;
    const pool = { totalCount: 4, idleCount: 1, waitingCount: 0 };
    instrumentPool({ driver: { master: { totalCount: 0, idleCount: 0, waitingCount: 0 } } } as unknown as DataSource, service, 10);
    instrumentPool({ driver: { master: pool } } as unknown as DataSource, service, 10);
    const scrape = async () => (await register.metrics()).split('\n').filter((l) => l.startsWith(`${prefix}_db_pool`));
    expect(await scrape()).toEqual([
      `${prefix}_db_pool_connections_max 10`,
      `${prefix}_db_pool_connections_in_use 3`,
      `${prefix}_db_pool_connections_idle 1`,
      `${prefix}_db_pool_requests_waiting 0`,
    ]);
    Object.assign(pool, { totalCount: 10, idleCount: 0, waitingCount: 6 });
    expect(await scrape()).toContain(`${prefix}_db_pool_requests_waiting 6`);
    expect(await scrape()).toContain(`${prefix}_db_pool_connections_in_use 10`);
  });
});
