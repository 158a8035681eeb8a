import type { DataSourceSpec } from '@chat4all/database';
import { ProcessedEvent } from '../inbox/processed-event.entity';
import { CreateProcessedEvents1764040200000 } from './migrations/1764040200000-create-processed-events';

export const MESSAGE_WORKER_SCHEMA = 'message_worker';

export const messageWorkerDataSourceSpec: DataSourceSpec = {
  schema: MESSAGE_WORKER_SCHEMA,
  applicationName: 'message-worker',
  entities: [ProcessedEvent],
  migrations: [CreateProcessedEvents1764040200000],
};
