import type { DatabaseConfig } from '@chat4all/config';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

export interface DataSourceSpec {
  /** PostgreSQL schema owned by one app (ARCHITECTURE §1: each table has one owning app). */
  schema: string;
  applicationName: string;
  // TypeORM's own option types: entity classes and migration classes.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

// synchronize and migrationsRun stay off: the schema changes only through reviewed migrations run by
// a command (`npm run db:migrate`), never implicitly at start-up.
export function createDataSource(config: DatabaseConfig, spec: DataSourceSpec): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.url,
    applicationName: spec.applicationName,
    schema: spec.schema,
    entities: spec.entities,
    migrations: spec.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    useUTC: true,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    connectTimeoutMS: 5_000,
    extra: {
      max: config.poolMax,
      statement_timeout: config.statementTimeoutMs,
      idle_in_transaction_session_timeout: config.statementTimeoutMs * 2,
      // Every transaction is READ COMMITTED whatever the server's default: the write paths rely on it
      // (a queued seq UPDATE re-reads the row), and none has to spend a round trip on SET TRANSACTION.
      options: '-c default_transaction_isolation=read\\ committed',
    },
  });
}
