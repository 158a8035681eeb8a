import { Module } from '@nestjs/common';
import { ReceiptsModule } from '../receipts/receipts.module';
import { WebhookIntake } from './webhook-intake.service';
import { WebhooksController } from './webhooks.controller';

// The providers' webhooks: contacts' messages → messages.inbound, receipts → messages.status.
@Module({ imports: [ReceiptsModule], controllers: [WebhooksController], providers: [WebhookIntake] })
export class WebhooksModule {}
