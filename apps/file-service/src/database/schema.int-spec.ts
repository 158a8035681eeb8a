import { createDataSource, pendingSchemaChanges } from '@chat4all/database';
import { loadFileServiceDatabaseConfig } from '../config';
import { fileServiceDataSourceSpec } from './data-source-spec';

// The migrations (applied by `npm run db:migrate` before the tests) and the entities agree.
it('file-service: schema built by migrations matches the entities', async () => {
  const ds = await createDataSource(loadFileServiceDatabaseConfig(process.env), fileServiceDataSourceSpec).initialize();
  try {
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  } finally {
    await ds.destroy();
  }
});
