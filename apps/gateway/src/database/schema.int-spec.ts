import { createDataSource, pendingSchemaChanges } from '@chat4all/database';
import { loadGatewayConfig } from '../config';
import { gatewayDataSourceSpec } from './data-source-spec';

// The migrations (applied by `npm run db:migrate` before the tests) and the entities agree: generating
// a migration from the entities now would produce nothing.
it('gateway: schema built by migrations matches the entities', async () => {
  const ds = await createDataSource(loadGatewayConfig(process.env).database, gatewayDataSourceSpec).initialize();
  try {
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  } finally {
    await ds.destroy();
  }
});
