import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { OutboxRepository, RELAY_LOCK_NAMESPACE } from '@chat4all/outbox';
import { DataSource } from 'typeorm';
import { PlatformModule } from '@chat4all/platform';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import { RELAY_CONFIG, type OutboxRelayConfig } from './config';
import { OUTBOX_REPOSITORIES, OutboxRelay } from './relay/outbox-relay.service';

// The relay drains the gateway's and file-service's outboxes and owns no tables of its own (ARCHITECTURE §1).
@Module({})
export class AppModule {
  static register(config: OutboxRelayConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth], tracing }),
        DatabaseModule.forRoot(config.database, { schema: 'gateway', applicationName: 'outbox-relay', entities: [], migrations: [] }),
        KafkaModule.forRoot(config.kafka, { underReplication: true }),
      ],
      providers: [
        { provide: RELAY_CONFIG, useValue: config.relay },
        {
          provide: OUTBOX_REPOSITORIES,
          inject: [DataSource],
          useFactory: (ds: DataSource) => config.relay.tables.map((table, i) => new OutboxRepository(ds, table, RELAY_LOCK_NAMESPACE + i)),
        },
        OutboxRelay,
      ],
    };
  }
}
