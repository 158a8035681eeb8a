import { AuditEvent } from '@chat4all/audit';
import type { DataSourceSpec } from '@chat4all/database';
import { OutboxEvent } from '@chat4all/outbox';
import { ConversationMember } from '../conversations/conversation-member.entity';
import { Conversation } from '../conversations/conversation.entity';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity';
import { Message } from '../messages/message.entity';
import { CreateOutboxEvents1764040100000 } from './migrations/1764040100000-create-outbox-events';
import { CreateAuditEvents1764040400000 } from './migrations/1764040400000-create-audit-events';
import { CreateConversationsAndMessages1764040500000 } from './migrations/1764040500000-create-conversations-and-messages';
import { DeliveryStateToWorkerAndIdempotencyKeys1764040600000 } from './migrations/1764040600000-delivery-state-to-worker-and-idempotency-keys';
import { InboundMessages1764040700000 } from './migrations/1764040700000-inbound-messages';
import { DropOutboxPublishedAt1764040800000 } from './migrations/1764040800000-drop-outbox-published-at';
import { DropMemberDeliveredSeq1764040900000 } from './migrations/1764040900000-drop-member-delivered-seq';
import { MemberDeliveredSeq1764041400000 } from './migrations/1764041400000-member-delivered-seq';
import { MessageFileId1764041700000 } from './migrations/1764041700000-message-file-id';
import { AcceptMessageFunctions1764041800000 } from './migrations/1764041800000-accept-message-functions';

export const GATEWAY_SCHEMA = 'gateway';

export const gatewayDataSourceSpec: DataSourceSpec = {
  schema: GATEWAY_SCHEMA,
  applicationName: 'gateway',
  entities: [OutboxEvent, AuditEvent, Conversation, ConversationMember, Message, IdempotencyKey],
  migrations: [
    CreateOutboxEvents1764040100000, CreateAuditEvents1764040400000, CreateConversationsAndMessages1764040500000, DeliveryStateToWorkerAndIdempotencyKeys1764040600000,
    InboundMessages1764040700000, DropOutboxPublishedAt1764040800000, DropMemberDeliveredSeq1764040900000,
    MemberDeliveredSeq1764041400000,
    MessageFileId1764041700000,
    AcceptMessageFunctions1764041800000,
  ],
};
