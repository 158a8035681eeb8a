import { AuditLog } from '@chat4all/audit';
import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { DeadLetterSink, deadLetterSinkProvider, KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { PlatformModule } from '@chat4all/platform';
import type { Tracing } from '@chat4all/telemetry';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Channels } from './channel-runtime';
import { CONNECTORS_CONFIG, type ConnectorsConfig } from './config';
import { connectorsDataSourceSpec } from './database/data-source-spec';
import { FileLinks } from './files/file-links.client';
import { FilesModule } from './files/files.module';
import { OutboundModule } from './outbound/outbound.module';
import { WebhooksModule } from './webhooks/webhooks.module';

// The infrastructure and what every feature shares (settings, the channels' runtimes, the audit log,
// the dead-letter sink) are global; each feature folder is its module.
@Global()
@Module({})
export class AppModule {
  static register(config: ConnectorsConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth], tracing }),
        DatabaseModule.forRoot(config.database, connectorsDataSourceSpec),
        KafkaModule.forRoot(config.kafka),
        FilesModule.register(config.files.grpcUrl),
        OutboundModule,
        WebhooksModule,
      ],
      providers: [
        { provide: CONNECTORS_CONFIG, useValue: config.connectors },
        { provide: Channels, useFactory: (files: FileLinks) => Channels.start(config.connectors, files), inject: [FileLinks] },
        AuditLog,
        deadLetterSinkProvider(AuditLog),
      ],
      exports: [CONNECTORS_CONFIG, Channels, AuditLog, DeadLetterSink],
    };
  }
}
