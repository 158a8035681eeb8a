import type { DatabaseConfig } from '@chat4all/config';
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseHealth } from './database.health';
import { createDataSource, type DataSourceSpec } from './data-source.factory';

@Injectable()
class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
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
          useFactory: async () => createDataSource(config, spec).initialize(),
        },
        DatabaseHealth,
        DataSourceLifecycle,
      ],
      exports: [DataSource, DatabaseHealth],
    };
  }
}
