import { AuditLog } from '@chat4all/audit';
import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { DeadLetterSink, deadLetterSinkProvider, KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { PlatformModule } from '@chat4all/platform';
import { RedisHealth, RedisModule } from '@chat4all/redis';
import type { Tracing } from '@chat4all/telemetry';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { WORKER_CONFIG, type MessageWorkerConfig } from './config';
import { messageWorkerDataSourceSpec } from './database/data-source-spec';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { PipelineModule } from './pipeline/pipeline.module';

// The infrastructure and what every feature shares (its settings, the audit log, the dead-letter
// sink) are global; each feature folder is its module.
@Global()
@Module({})
export class AppModule {
  static register(config: MessageWorkerConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth, RedisHealth], tracing }),
        DatabaseModule.forRoot(config.database, messageWorkerDataSourceSpec),
        KafkaModule.forRoot(config.kafka),
        RedisModule.forRoot(config.redis, 'message-worker'),
        DeadLettersModule,
        DeliveriesModule,
        PipelineModule.register(config.messagingGrpcUrl),
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config.worker }, AuditLog, deadLetterSinkProvider(AuditLog)],
      exports: [WORKER_CONFIG, AuditLog, DeadLetterSink],
    };
  }
}
