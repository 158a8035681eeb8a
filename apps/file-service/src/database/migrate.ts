import { loadConfigOrExit } from '@chat4all/config';
import { createDataSource, migrateCommand } from '@chat4all/database';
import { loadFileServiceDatabaseConfig } from '../config';
import { FILE_SERVICE_SCHEMA, fileServiceDataSourceSpec } from './data-source-spec';

const config = loadConfigOrExit('file-service', () => ({ database: loadFileServiceDatabaseConfig() }));
migrateCommand(createDataSource(config.database, fileServiceDataSourceSpec), FILE_SERVICE_SCHEMA).catch((error: unknown) => {
  console.error(`migrate: schema ${FILE_SERVICE_SCHEMA} failed:`, error);
  process.exit(1);
});
