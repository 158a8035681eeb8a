import { grpcClientModule } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AUTH_GRPC } from './auth-grpc.token';
import { JwksController } from './jwks.controller';
import { OAuthController } from './oauth.controller';
import { UserDirectory } from './user-directory.client';

// The public face of the auth app: /auth/* and the JWKS, forwarded over gRPC (ARCHITECTURE §3a), and
// the user directory other features ask.
@Global()
@Module({})
export class AuthModule {
  static register(authGrpcUrl: string): DynamicModule {
    return {
      module: AuthModule,
      imports: [grpcClientModule(AUTH_GRPC, GrpcContracts.auth, authGrpcUrl)],
      controllers: [JwksController, OAuthController],
      providers: [UserDirectory],
      exports: [UserDirectory],
    };
  }
}
