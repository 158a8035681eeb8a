import { grpcClientModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { Module, type DynamicModule } from '@nestjs/common';
import { InboundService, MESSAGING_GRPC } from './inbound.service';

// messages.inbound → the gateway's MessagingService (it owns conversations and messages).
@Module({})
export class InboundModule {
  static register(messagingGrpcUrl: string): DynamicModule {
    return {
      module: InboundModule,
      imports: [grpcClientModule(MESSAGING_GRPC, GrpcContracts.messaging, messagingGrpcUrl)],
      providers: [InboundService],
      exports: [InboundService],
    };
  }
}
