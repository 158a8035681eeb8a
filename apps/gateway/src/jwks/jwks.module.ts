import { grpcClientOptions } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { AUTH_GRPC } from './auth-grpc.token';
import { JwksController } from './jwks.controller';

@Module({})
export class JwksModule {
  static register(authGrpcUrl: string): DynamicModule {
    return {
      module: JwksModule,
      imports: [ClientsModule.register([grpcClientOptions(AUTH_GRPC, GrpcContracts.auth, authGrpcUrl)])],
      controllers: [JwksController],
    };
  }
}
