import { Module, type DynamicModule } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { InboundModule } from '../inbound/inbound.module';
import { InboxModule } from '../inbox/inbox.module';
import { MessagePipeline } from './message-pipeline.consumer';

// The Kafka consumers: one group per topic, each event handled once (inbox), retried, or dead-lettered.
@Module({})
export class PipelineModule {
  static register(messagingGrpcUrl: string): DynamicModule {
    return {
      module: PipelineModule,
      imports: [InboxModule, DeliveriesModule, InboundModule.register(messagingGrpcUrl)],
      providers: [MessagePipeline],
    };
  }
}
