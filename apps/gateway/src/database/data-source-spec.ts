import { AuditEvent } from '@chat4all/audit';
import type { DataSourceSpec } from '@chat4all/database';
import { OutboxEvent } from '../outbox/outbox-event.entity';
import { CreateOutboxEvents1764040100000 } from './migrations/1764040100000-create-outbox-events';
import { CreateAuditEvents1764040400000 } from './migrations/1764040400000-create-audit-events';

export const GATEWAY_SCHEMA = 'gateway';

export const gatewayDataSourceSpec: DataSourceSpec = {
  schema: GATEWAY_SCHEMA,
  applicationName: 'gateway',
  entities: [OutboxEvent, AuditEvent],
  migrations: [CreateOutboxEvents1764040100000, CreateAuditEvents1764040400000],
};
