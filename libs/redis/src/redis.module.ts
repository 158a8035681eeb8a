import type { RedisConfig } from '@chat4all/config';
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { connectAtStartup, createRedisClient } from './redis.client';
import { countRedisErrors } from './redis-metrics';

export const REDIS = Symbol('REDIS');

@Injectable()
export class RedisHealth {
  readonly dependency = 'redis';

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async check(): Promise<void> {
    const pong = await this.redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING answer: ${String(pong)}`);
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  /** `service`: the app's name, the connection's name in CLIENT LIST and its metrics' prefix. */
  static forRoot(config: RedisConfig, service: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: async () => {
            const client = createRedisClient(config, service);
            countRedisErrors(client, service, 'commands');
            await connectAtStartup(client, service);
            return client;
          },
        },
        RedisHealth,
        RedisLifecycle,
      ],
      exports: [REDIS, RedisHealth],
    };
  }
}
