import { AuditEvent } from '@chat4all/audit';
import type { DataSourceSpec } from '@chat4all/database';
import { DeadLetter } from '../dead-letters/dead-letter.entity';
import { DeliveryStatusChange } from '../deliveries/delivery-status-change.entity';
import { Delivery } from '../deliveries/delivery.entity';
import { MemberHorizon } from '../deliveries/member-horizon.entity';
import { ProcessedEvent } from '../inbox/processed-event.entity';
import { CreateProcessedEvents1764040200000 } from './migrations/1764040200000-create-processed-events';
import { CreateDeliveriesAndDeadLetters1764040600000 } from './migrations/1764040600000-create-deliveries-and-dead-letters';
import { CreateAuditEvents1764041200000 } from './migrations/1764041200000-create-audit-events';
import { MemberHorizons1764041500000 } from './migrations/1764041500000-member-horizons';
import { RecordMessageFunction1764041800000 } from './migrations/1764041800000-record-message-function';

export const MESSAGE_WORKER_SCHEMA = 'message_worker';

export const messageWorkerDataSourceSpec: DataSourceSpec = {
  schema: MESSAGE_WORKER_SCHEMA,
  applicationName: 'message-worker',
  entities: [ProcessedEvent, Delivery, DeliveryStatusChange, DeadLetter, MemberHorizon, AuditEvent],
  migrations: [CreateProcessedEvents1764040200000, CreateDeliveriesAndDeadLetters1764040600000, CreateAuditEvents1764041200000, MemberHorizons1764041500000, RecordMessageFunction1764041800000],
};
