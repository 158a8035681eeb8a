import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

// A stable 64-bit advisory lock key per schema, so two replicas starting together (or a Job and an
// app) never run the same migrations concurrently.
export function migrationLockKey(schema: string): string {
  return createHash('sha256').update(`chat4all:migrations:${schema}`).digest().readBigInt64BE(0).toString();
}

export interface MigrationResult {
  schema: string;
  applied: string[];
}

export async function runMigrations(dataSource: DataSource, schema: string): Promise<MigrationResult> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const key = migrationLockKey(schema);
  try {
    await runner.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { schema, applied: applied.map((m) => m.name) };
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    await runner.release();
  }
}

/** SQL that would bring the database in line with the entities; empty when they agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
