import { config, tracing } from './instrument';
import { grpcServerOptions, startService } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { AppModule } from './app.module';

startService({
  module: AppModule.register(config, tracing),
  service: config.service,
  grpc: grpcServerOptions([GrpcContracts.file], config.grpc.url),
  streamedBodies: true,
});
