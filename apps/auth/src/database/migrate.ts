import { loadConfigOrExit } from '@chat4all/config';
import { createDataSource, migrateCommand } from '@chat4all/database';
import { loadAuthConfig } from '../config';
import { AUTH_SCHEMA, authDataSourceSpec } from './data-source-spec';

const config = loadConfigOrExit('auth', () => loadAuthConfig());
migrateCommand(createDataSource(config.database, authDataSourceSpec), AUTH_SCHEMA).catch((error: unknown) => {
  console.error(`migrate: schema ${AUTH_SCHEMA} failed:`, error);
  process.exit(1);
});
