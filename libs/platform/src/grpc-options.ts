import type { GrpcClientCallConfig } from '@chat4all/config';
import type { GrpcContract } from '@chat4all/proto';
import { Transport, type ClientProviderOptions, type GrpcOptions } from '@nestjs/microservices';
import { grpcClientCircuit } from './grpc-circuit';
import { grpcClientMetrics, grpcServerMetrics } from './grpc-metrics';

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

/** The server's options with the interceptor of `<service>_grpc_server_duration_seconds` (runService adds it). */
export function withGrpcServerMetrics(options: GrpcOptions, service: string): GrpcOptions {
  const channelOptions = options.options.channelOptions ?? {};
  const interceptors = (channelOptions.interceptors as unknown[] | undefined) ?? [];
  return { ...options, options: { ...options.options, channelOptions: { ...channelOptions, interceptors: [...interceptors, grpcServerMetrics(service)] } } };
}

/**
 * A client of `contract`; with `service` (the calling app's name), its calls are measured in
 * `<service>_grpc_client_duration_seconds`; with `calls` too, they get a deadline and go through the
 * target's circuit breaker (grpc-circuit.ts).
 */
export function grpcClientOptions(token: string | symbol, contract: GrpcContract, url: string, service?: string, calls?: GrpcClientCallConfig): ClientProviderOptions {
  // The first interceptor is the outermost: metrics also see the calls the open breaker refuses.
  const interceptors = service ? [grpcClientMetrics(service), ...(calls ? [grpcClientCircuit(service, `${contract.packageName}.${contract.serviceName}`, url, calls)] : [])] : [];
  return {
    name: token,
    transport: Transport.GRPC,
    options: {
      package: contract.packageName,
      protoPath: contract.protoPath,
      url,
      loader,
      // grpc-js reads `interceptors` from the client's options (Nest passes channelOptions there).
      ...(interceptors.length > 0 ? { channelOptions: { interceptors } } : {}),
    },
  };
}
