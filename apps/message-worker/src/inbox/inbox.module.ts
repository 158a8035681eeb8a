import { Module } from '@nestjs/common';
import { InboxRepository } from './inbox.repository';

// processed_events: the idempotent-consumer inbox every handler checks in its own transaction.
@Module({ providers: [InboxRepository], exports: [InboxRepository] })
export class InboxModule {}
