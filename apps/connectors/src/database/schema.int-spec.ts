import { createDataSource, pendingSchemaChanges } from '@chat4all/database';
import { loadConnectorsDatabaseConfig } from '../config';
import { connectorsDataSourceSpec } from './data-source-spec';

// The migrations (applied by `npm run db:migrate` before the tests) and the entities agree: generating
// a migration from the entities now would produce nothing.
it('connectors: schema built by migrations matches the entities', async () => {
  const ds = await createDataSource(loadConnectorsDatabaseConfig(process.env), connectorsDataSourceSpec).initialize();
  try {
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  } finally {
    await ds.destroy();
  }
});
