import { Module } from '@nestjs/common';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { InboxModule } from '../inbox/inbox.module';
import { RoutingModule } from '../routing/routing.module';
import { DeliveryQueryService } from './delivery-query.service';
import { DeliveryGrpcController } from './delivery.grpc-controller';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { RealtimePublisher } from './realtime-publisher';

// Where each message stands (deliveries, their status history, read horizons) and the gRPC
// DeliveryService through which the gateway reads it and reaches the dead letters.
@Module({
  imports: [InboxModule, RoutingModule, DeadLettersModule],
  controllers: [DeliveryGrpcController],
  providers: [DeliveryRepository, RealtimePublisher, DeliveryService, DeliveryQueryService],
  exports: [DeliveryService],
})
export class DeliveriesModule {}
