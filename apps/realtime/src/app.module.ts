import { AuthGuardModule } from '@chat4all/auth-guard';
import { grpcClientModule, PlatformModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { RedisHealth, RedisModule } from '@chat4all/redis';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import { REDIS_CONFIG, WS_CONFIG, type RealtimeConfig } from './config';
import { MESSAGING_GRPC, MessagingClient } from './connections/messaging.client';
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
        grpcClientModule(MESSAGING_GRPC, GrpcContracts.messaging, config.messaging.grpcUrl),
      ],
      providers: [
        { provide: WS_CONFIG, useValue: config.ws },
        { provide: REDIS_CONFIG, useValue: config.redis },
        MessagingClient,
        WebSocketEndpoint,
      ],
    };
  }
}
