import { createDataSource, pendingSchemaChanges } from '@chat4all/database';
import { loadMessageWorkerConfig } from '../config';
import { messageWorkerDataSourceSpec } from './data-source-spec';

// The migrations (applied by `npm run db:migrate` before the tests) and the entities agree: generating
// a migration from the entities now would produce nothing.
it('message-worker: schema built by migrations matches the entities', async () => {
  const ds = await createDataSource(loadMessageWorkerConfig(process.env).database, messageWorkerDataSourceSpec).initialize();
  try {
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  } finally {
    await ds.destroy();
  }
});
