import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { PlatformModule } from '@chat4all/platform';
import { StorageHealth, StorageModule } from '@chat4all/storage';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import type { FileServiceConfig } from './config';

@Module({})
export class AppModule {
  static register(config: FileServiceConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth, StorageHealth], tracing }),
        DatabaseModule.forRoot(config.database, { schema: 'file_service', applicationName: 'file-service', entities: [], migrations: [] }),
        KafkaModule.forRoot(config.kafka),
        StorageModule.forRoot(config.storage),
      ],
    };
  }
}
