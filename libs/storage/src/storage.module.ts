import type { ServiceConfig, StorageConfig } from '@chat4all/config';
import { SERVICE_CONFIG, startup } from '@chat4all/platform';
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ObjectStorage } from './object-storage';

// S3 error codes a retry cannot fix: unknown key, wrong secret, no permission (a HEAD answers a bare
// 403 as Forbidden), a name S3 refuses.
const PERMANENT_S3_ERRORS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'InvalidBucketName', 'AllAccessDisabled']);

export function isPermanentS3Error(error: unknown): boolean {
  return error instanceof Error && PERMANENT_S3_ERRORS.has(error.name);
}

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
    this.storage.destroy();
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
          inject: [SERVICE_CONFIG],
          useFactory: async (service: ServiceConfig) => {
            const storage = ObjectStorage.fromConfig(config, service.name);
            await startup.step('s3', `bucket ${config.bucket}`, () => storage.ensureBucket(), { isPermanent: isPermanentS3Error });
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
