import { AuditEvent } from '@chat4all/audit';
import type { DataSourceSpec } from '@chat4all/database';
import { SentMessage } from '../sent-messages/sent-message.entity';
import { EarlyReceipt } from '../receipts/early-receipt.entity';
import { LatestThreadReceipt } from '../receipts/thread-receipt.entity';
import { CreateSentMessages1764040800000 } from './migrations/1764040800000-create-sent-messages';
import { SentMessagesStatusPublished1764040900000 } from './migrations/1764040900000-sent-messages-status-published';
import { CreateEarlyReceipts1764041000000 } from './migrations/1764041000000-create-early-receipts';
import { SentMessagesThreadReceipts1764041100000 } from './migrations/1764041100000-sent-messages-thread-receipts';
import { SentMessagesTraceparent1764041800000 } from './migrations/1764041800000-sent-messages-traceparent';
import { CreateThreadReceipts1764042000000 } from './migrations/1764042000000-create-thread-receipts';

export const CONNECTORS_SCHEMA = 'connectors';

export const connectorsDataSourceSpec: DataSourceSpec = {
  schema: CONNECTORS_SCHEMA,
  applicationName: 'connectors',
  entities: [SentMessage, EarlyReceipt, LatestThreadReceipt, AuditEvent],
  migrations: [CreateSentMessages1764040800000, SentMessagesStatusPublished1764040900000, CreateEarlyReceipts1764041000000, SentMessagesThreadReceipts1764041100000, SentMessagesTraceparent1764041800000, CreateThreadReceipts1764042000000],
};
