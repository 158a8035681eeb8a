import type { DataSource } from 'typeorm';
import { runMigrations } from './migrations';

// Entry used by each owning app's `migrate` script (and by a Kubernetes Job in production).
export async function migrateCommand(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.initialize();
  try {
    const result = await runMigrations(dataSource, schema);
    const applied = result.applied.length ? result.applied.join(', ') : 'none (up to date)';
    process.stdout.write(`migrate: schema ${schema}: applied ${applied}\n`);
  } finally {
    await dataSource.destroy();
  }
}
