import { loadConfigOrExit } from '@chat4all/config';
import { createDataSource, migrateCommand } from '@chat4all/database';
import { loadGatewayConfig } from '../config';
import { GATEWAY_SCHEMA, gatewayDataSourceSpec } from './data-source-spec';

const config = loadConfigOrExit('gateway', () => loadGatewayConfig());
migrateCommand(createDataSource(config.database, gatewayDataSourceSpec), GATEWAY_SCHEMA).catch((error: unknown) => {
  console.error(`migrate: schema ${GATEWAY_SCHEMA} failed:`, error);
  process.exit(1);
});
