import { loadConfigOrExit } from '@chat4all/config';
import { createDataSource, migrateCommand } from '@chat4all/database';
import { loadConnectorsDatabaseConfig } from '../config';
import { CONNECTORS_SCHEMA, connectorsDataSourceSpec } from './data-source-spec';

const config = loadConfigOrExit('connectors', () => ({ database: loadConnectorsDatabaseConfig() }));
migrateCommand(createDataSource(config.database, connectorsDataSourceSpec), CONNECTORS_SCHEMA).catch((error: unknown) => {
  console.error(`migrate: schema ${CONNECTORS_SCHEMA} failed:`, error);
  process.exit(1);
});
