import type { GrpcContract } from '@chat4all/proto';
import { Transport, type ClientProviderOptions, type GrpcOptions } from '@nestjs/microservices';

const loader = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

export function grpcServerOptions(contracts: readonly GrpcContract[], url: string): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: contracts.map((c) => c.packageName),
      protoPath: contracts.map((c) => c.protoPath),
      url,
      loader,
      gracefulShutdown: true,
    },
  };
}

export function grpcClientOptions(token: string | symbol, contract: GrpcContract, url: string): ClientProviderOptions {
  return {
    name: token,
    transport: Transport.GRPC,
    options: { package: contract.packageName, protoPath: contract.protoPath, url, loader },
  };
}
