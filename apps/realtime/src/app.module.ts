import { AuthGuardModule } from '@chat4all/auth-guard';
import { PlatformModule } from '@chat4all/platform';
import { RedisHealth, RedisModule } from '@chat4all/redis';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import type { RealtimeConfig } from './config';
import { WebSocketEndpoint } from './connections/websocket-endpoint';

// realtime owns nothing durable: Redis carries live fan-out, the gateway's log serves replays.
@Module({})
export class AppModule {
  static register(config: RealtimeConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [RedisHealth], tracing }),
        RedisModule.forRoot(config.redis, 'realtime'),
        AuthGuardModule.forRoot(config.auth),
      ],
      providers: [WebSocketEndpoint],
    };
  }
}
