import { grpcClientOptions } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { DELIVERY_GRPC, DeliveryClient } from './delivery.client';

@Global()
@Module({})
export class DeliveryModule {
  static register(deliveryGrpcUrl: string): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [ClientsModule.register([grpcClientOptions(DELIVERY_GRPC, GrpcContracts.delivery, deliveryGrpcUrl)])],
      providers: [DeliveryClient],
      exports: [DeliveryClient],
    };
  }
}
