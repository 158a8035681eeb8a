import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { OutboxRepository } from '@chat4all/outbox';
import { PlatformModule } from '@chat4all/platform';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import { RELAY_CONFIG, type OutboxRelayConfig } from './config';
import { OutboxRelay } from './relay/outbox-relay.service';

// The relay reads the gateway's outbox and owns no tables of its own (ARCHITECTURE §1).
@Module({})
export class AppModule {
  static register(config: OutboxRelayConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth], tracing }),
        DatabaseModule.forRoot(config.database, { schema: 'gateway', applicationName: 'outbox-relay', entities: [], migrations: [] }),
        KafkaModule.forRoot(config.kafka),
      ],
      providers: [{ provide: RELAY_CONFIG, useValue: config.relay }, OutboxRepository, OutboxRelay],
    };
  }
}
