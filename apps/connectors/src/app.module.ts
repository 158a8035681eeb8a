import { AuditLog } from '@chat4all/audit';
import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { deadLetterSinkProvider, KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { PlatformModule } from '@chat4all/platform';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import { Channels } from './channel-runtime';
import { CONNECTORS_CONFIG, type ConnectorsConfig } from './config';
import { connectorsDataSourceSpec } from './database/data-source-spec';
import { OutboundConsumer } from './outbound/outbound.consumer';
import { OutboundSender } from './outbound/outbound-sender.service';
import { SentMessageRepository } from './outbound/sent-message.repository';
import { EarlyReceiptRepository } from './receipts/early-receipt.repository';
import { Receipts } from './receipts/receipts.service';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({})
export class AppModule {
  static register(config: ConnectorsConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth], tracing }),
        DatabaseModule.forRoot(config.database, connectorsDataSourceSpec),
        KafkaModule.forRoot(config.kafka),
      ],
      controllers: [WebhooksController],
      providers: [
        { provide: CONNECTORS_CONFIG, useValue: config.connectors },
        { provide: Channels, useFactory: () => Channels.start(config.connectors) },
        AuditLog,
        deadLetterSinkProvider({ metricPrefix: 'connectors' }, AuditLog),
        SentMessageRepository,
        EarlyReceiptRepository,
        Receipts,
        OutboundSender,
        OutboundConsumer,
      ],
    };
  }
}
