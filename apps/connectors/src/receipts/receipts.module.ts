import { Module } from '@nestjs/common';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { EarlyReceiptRepository } from './early-receipt.repository';
import { Receipts } from './receipts.service';
import { ThreadReceiptRepository } from './thread-receipt.repository';

// Providers' delivery and read receipts → messages.status, parked while their send is not on record yet.
@Module({ imports: [SentMessagesModule], providers: [EarlyReceiptRepository, ThreadReceiptRepository, Receipts], exports: [Receipts] })
export class ReceiptsModule {}
