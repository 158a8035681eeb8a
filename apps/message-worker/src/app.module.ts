import { AuditLog } from '@chat4all/audit';
import { DatabaseHealth, DatabaseModule } from '@chat4all/database';
import { deadLetterSinkProvider, KafkaHealth, KafkaModule } from '@chat4all/kafka';
import { grpcClientOptions, PlatformModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { RedisHealth, RedisModule } from '@chat4all/redis';
import type { Tracing } from '@chat4all/telemetry';
import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { WORKER_CONFIG, type MessageWorkerConfig } from './config';
import { messageWorkerDataSourceSpec } from './database/data-source-spec';
import { DeadLetterRecorder } from './dead-letters/dead-letter-recorder.consumer';
import { DeadLetterRepository } from './dead-letters/dead-letter.repository';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { DeliveryGrpcController } from './deliveries/delivery.grpc-controller';
import { DeliveryQueryService } from './deliveries/delivery-query.service';
import { DeliveryRepository } from './deliveries/delivery.repository';
import { DeliveryService } from './deliveries/delivery.service';
import { RealtimePublisher } from './deliveries/realtime-publisher';
import { InboundService, MESSAGING_GRPC } from './inbound/inbound.service';
import { InboxRepository } from './inbox/inbox.repository';
import { MessagePipeline } from './pipeline/message-pipeline.consumer';
import { OutboundRouting } from './routing/outbound-routing.service';

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
      providers: [
        { provide: WORKER_CONFIG, useValue: config.worker },
        AuditLog,
        deadLetterSinkProvider({ metricPrefix: 'worker' }, AuditLog),
        InboxRepository,
        DeliveryRepository,
        DeadLetterRepository,
        OutboundRouting,
        RealtimePublisher,
        DeliveryService,
        DeliveryQueryService,
        InboundService,
        DeadLetterService,
        DeadLetterRecorder,
        MessagePipeline,
      ],
    };
  }
}
