import { AuditLog } from '@chat4all/audit';
import { AuthGuardModule } from '@chat4all/auth-guard';
import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { DeadLetterSink, deadLetterSinkProvider, KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { PlatformModule } from '@chat4all/platform';
import { RedisModule } from '@chat4all/redis';
import { StorageHealth, StorageModule } from '@chat4all/storage';
import type { Tracing } from '@chat4all/telemetry';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { FILE_SETTINGS, type FileServiceConfig } from './config';
import { fileServiceDataSourceSpec } from './database/data-source-spec';
import { FilesModule } from './files/files.module';
import { GcModule } from './gc/gc.module';
import { MergeModule } from './merge/merge.module';
import { TusModule } from './tus/tus.module';
import { UploadsModule } from './uploads/uploads.module';

// file-service owns uploads, their chunks and the stored objects (ARCHITECTURE §1). Readiness needs
// PostgreSQL, Kafka (merges) and MinIO; Redis only carries the best-effort file.completed frames.
@Global()
@Module({})
export class AppModule {
  static register(config: FileServiceConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth, StorageHealth], tracing }),
        DatabaseModule.forRoot(config.database, fileServiceDataSourceSpec),
        KafkaModule.forRoot(config.kafka),
        RedisModule.forRoot(config.redis, 'file-service'),
        StorageModule.forRoot(config.storage),
        AuthGuardModule.forRoot(config.auth),
        UploadsModule,
        TusModule,
        MergeModule,
        GcModule,
        FilesModule,
      ],
      providers: [{ provide: FILE_SETTINGS, useValue: config.files }, AuditLog, deadLetterSinkProvider(AuditLog)],
      exports: [FILE_SETTINGS, AuditLog, DeadLetterSink],
    };
  }
}
