import type { DataSourceSpec } from '@chat4all/database';
import { OutboxEvent } from '../outbox/outbox-event.entity';
import { CreateOutboxEvents1764040100000 } from './migrations/1764040100000-create-outbox-events';

export const GATEWAY_SCHEMA = 'gateway';

export const gatewayDataSourceSpec: DataSourceSpec = {
  schema: GATEWAY_SCHEMA,
  applicationName: 'gateway',
  entities: [OutboxEvent],
  migrations: [CreateOutboxEvents1764040100000],
};
