import { config, tracing } from './instrument';
import { grpcServerOptions, startService } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { AppModule } from './app.module';
import { registerFileProxy } from './files/file-proxy';

startService({
  module: AppModule.register(config, tracing),
  service: config.service,
  grpc: grpcServerOptions([GrpcContracts.messaging], config.grpc.url),
  // /v1/files/* chunks and tus bodies go to file-service as streams.
  streamedBodies: true,
  configureHttp: (fastify) => registerFileProxy(fastify, config.files),
});
