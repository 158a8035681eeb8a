import { Module } from '@nestjs/common';
import { ReceiptsModule } from '../receipts/receipts.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { OutboundConsumer } from './outbound.consumer';
import { OutboundSender } from './outbound-sender.service';

// messages.outbound.<channel> → the provider's API: one consumer group per channel, retried, then dead-lettered.
@Module({ imports: [SentMessagesModule, ReceiptsModule], providers: [OutboundSender, OutboundConsumer] })
export class OutboundModule {}
