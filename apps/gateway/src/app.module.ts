import { AuditLog } from '@chat4all/audit';
import { AuthGuardModule, type AuthFailureListener } from '@chat4all/auth-guard';
import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { PlatformModule } from '@chat4all/platform';
import { RedisHealth, RedisModule } from '@chat4all/redis';
import type { Tracing } from '@chat4all/telemetry';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { gatewayDataSourceSpec } from './database/data-source-spec';
import { OpenApiController } from './openapi/openapi.controller';
import { MeController } from './me/me.controller';
import { AdminModule } from './admin/admin.module';
import { DeliveryModule } from './delivery/delivery.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ConversationsModule } from './conversations/conversations.module';
import { MessagesModule } from './messages/messages.module';
import { FilesModule } from './files/files.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';

// Readiness covers PostgreSQL and Redis only: Kafka being down must not stop the gateway from
// accepting messages (they wait in the outbox, ARCHITECTURE §2).
@Global()
@Module({})
export class AppModule {
  static register(config: GatewayConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, RedisHealth], tracing }),
        DatabaseModule.forRoot(config.database, gatewayDataSourceSpec),
        RedisModule.forRoot(config.redis, 'gateway'),
        AuthGuardModule.forRoot(config.auth, {
          inject: [AuditLog],
          useFactory:
            (audit: AuditLog): AuthFailureListener =>
            (f) =>
              audit.record({ type: 'access_token_rejected', outcome: 'failure', remoteIp: f.ip, details: { reason: f.reason, path: f.path } }),
        }),
        RateLimitModule,
        AuthModule.register(config.auth.authGrpcUrl),
        IdempotencyModule,
        DeliveryModule.register(config.deliveryGrpcUrl),
        ConversationsModule,
        FilesModule.register(config.files.grpcUrl),
        MessagesModule,
        AdminModule,
      ],
      controllers: [MeController, OpenApiController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, AuditLog],
      exports: [GATEWAY_CONFIG, AuditLog],
    };
  }
}
