import type { ServiceConfig } from '@chat4all/config';
import type { GrpcContract } from '@chat4all/proto';
import type { DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { grpcClientOptions } from './grpc-options';
import { SERVICE_CONFIG } from './service-config.token';

/**
 * The Nest module of one gRPC client (inject it as `token`, a ClientGrpc), measured under the calling
 * app's name, which comes from PlatformModule: feature modules need not be told which app they are in.
 * Its calls get the app's deadlines and the target's circuit breaker (GRPC_CLIENT_* variables).
 */
export function grpcClientModule(token: string | symbol, contract: GrpcContract, url: string): DynamicModule {
  return ClientsModule.registerAsync([
    {
      name: token,
      inject: [SERVICE_CONFIG],
      useFactory: (service: ServiceConfig) => {
        const { name: _name, ...client } = grpcClientOptions(token, contract, url, service.name, service.grpcClient);
        return client;
      },
    },
  ]);
}
