import { loadConfigOrExit } from '@chat4all/config';
import { createDataSource, migrateCommand } from '@chat4all/database';
import { loadMessageWorkerConfig } from '../config';
import { MESSAGE_WORKER_SCHEMA, messageWorkerDataSourceSpec } from './data-source-spec';

const config = loadConfigOrExit('message-worker', () => loadMessageWorkerConfig());
migrateCommand(createDataSource(config.database, messageWorkerDataSourceSpec), MESSAGE_WORKER_SCHEMA).catch((error: unknown) => {
  console.error(`migrate: schema ${MESSAGE_WORKER_SCHEMA} failed:`, error);
  process.exit(1);
});
