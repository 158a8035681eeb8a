import { grpcClientModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DELIVERY_GRPC, DeliveryClient } from './delivery.client';

@Global()
@Module({})
export class DeliveryModule {
  static register(deliveryGrpcUrl: string): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [grpcClientModule(DELIVERY_GRPC, GrpcContracts.delivery, deliveryGrpcUrl)],
      providers: [DeliveryClient],
      exports: [DeliveryClient],
    };
  }
}
