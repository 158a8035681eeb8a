import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { grpcClientOptions, PlatformModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { RedisHealth, RedisModule } from '@chat4all/redis';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { WORKER_CONFIG, type MessageWorkerConfig } from './config';
import { messageWorkerDataSourceSpec } from './database/data-source-spec';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { DeliveryGrpcController } from './deliveries/delivery.grpc-controller';
import { DeliveryService } from './deliveries/delivery.service';
import { InboundService, MESSAGING_GRPC } from './inbound/inbound.service';
import { RealtimePublisher } from './deliveries/realtime-publisher';
import { MessagePipeline } from './pipeline/message-pipeline.service';

@Module({})
export class AppModule {
  static register(config: MessageWorkerConfig, tracing: Tracing): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: config.service, readiness: [DatabaseHealth, KafkaHealth, RedisHealth], tracing }),
        DatabaseModule.forRoot(config.database, messageWorkerDataSourceSpec),
        KafkaModule.forRoot(config.kafka),
        RedisModule.forRoot(config.redis, 'message-worker'),
        ClientsModule.register([grpcClientOptions(MESSAGING_GRPC, GrpcContracts.messaging, config.messagingGrpcUrl)]),
      ],
      controllers: [DeliveryGrpcController],
      providers: [{ provide: WORKER_CONFIG, useValue: config.worker }, DeliveryService, InboundService, RealtimePublisher, DeadLetterService, MessagePipeline],
    };
  }
}
