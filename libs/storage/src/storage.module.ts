import type { StorageConfig } from '@chat4all/config';
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ObjectStorage } from './object-storage';

@Injectable()
export class StorageHealth {
  readonly dependency = 's3';

  constructor(@Inject(ObjectStorage) private readonly storage: ObjectStorage) {}

  check(): Promise<void> {
    return this.storage.headBucket();
  }
}

@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ObjectStorage) private readonly storage: ObjectStorage) {}

  onApplicationShutdown(): void {
    this.storage.client.destroy();
  }
}

@Global()
@Module({})
export class StorageModule {
  static forRoot(config: StorageConfig): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        {
          provide: ObjectStorage,
          useFactory: async () => {
            const storage = ObjectStorage.fromConfig(config);
            await storage.ensureBucket();
            return storage;
          },
        },
        StorageHealth,
        StorageLifecycle,
      ],
      exports: [ObjectStorage, StorageHealth],
    };
  }
}
