import type { DatabaseConfig, ServiceConfig } from '@chat4all/config';
import { SERVICE_CONFIG, startup } from '@chat4all/platform';
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseHealth } from './database.health';
import { createDataSource, type DataSourceSpec } from './data-source.factory';
import { instrumentPool } from './pool-metrics';

// SQLSTATE classes a retry cannot fix: wrong password or role (28xxx), unknown database (3D000),
// no permission to connect (42501).
const PERMANENT_SQLSTATES = /^(28|3D000$|42501$)/;

export function isPermanentPostgresError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && PERMANENT_SQLSTATES.test(code);
}

@Injectable()
class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

const DATABASE_CONFIG = Symbol('DATABASE_CONFIG');

// The pool's gauges, named after the app (pool-metrics.ts).
@Injectable()
class DatabasePoolMetrics {
  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(SERVICE_CONFIG) service: ServiceConfig, @Inject(DATABASE_CONFIG) config: DatabaseConfig) {
    instrumentPool(dataSource, service.name, config.poolMax);
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig, spec: DataSourceSpec): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          // PostgreSQL still starting (or failing over) is waited for; bad credentials stop the app.
          useFactory: () =>
            startup.step(
              'postgres',
              'connect',
              async () => {
                const dataSource = createDataSource(config, spec);
                try {
                  return await dataSource.initialize();
                } catch (error) {
                  if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
                  throw error;
                }
              },
              { isPermanent: isPermanentPostgresError },
            ),
        },
        DatabaseHealth,
        DataSourceLifecycle,
        { provide: DATABASE_CONFIG, useValue: config },
        DatabasePoolMetrics,
      ],
      exports: [DataSource, DatabaseHealth],
    };
  }
}
