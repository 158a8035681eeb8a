import { OutboxWriter } from '@chat4all/outbox';
import { Module } from '@nestjs/common';

// The gateway's write transactions add their events through the one outbox library.
@Module({ providers: [OutboxWriter], exports: [OutboxWriter] })
export class OutboxModule {}
