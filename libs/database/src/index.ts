export { createDataSource } from './data-source.factory';
export type { DataSourceSpec } from './data-source.factory';
export { migrationLockKey, pendingSchemaChanges, runMigrations } from './migrations';
export type { MigrationResult } from './migrations';
export { migrateCommand } from './migrate-command';
export { DatabaseHealth } from './database.health';
export { DatabaseModule, isPermanentPostgresError } from './database.module';
export { instrumentPool, poolStats } from './pool-metrics';
export type { PoolCounts, PoolStats } from './pool-metrics';
