import { grpcClientOptions } from '@chat4all/platform';
import { authV1, GrpcContracts } from '@chat4all/proto';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule, type ClientGrpc } from '@nestjs/microservices';
import { BearerAuthGuard } from './bearer-auth.guard';
import { GrpcJwksSource } from './grpc-jwks-source';
import { TokenVerifier } from './token-verifier';

const AUTH_GRPC_FOR_JWKS = 'AUTH_GRPC_FOR_JWKS';

export interface AuthGuardOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  authGrpcUrl: string;
}

@Global()
@Module({})
export class AuthGuardModule {
  static forRoot(options: AuthGuardOptions): DynamicModule {
    return {
      module: AuthGuardModule,
      imports: [ClientsModule.register([grpcClientOptions(AUTH_GRPC_FOR_JWKS, GrpcContracts.auth, options.authGrpcUrl)])],
      providers: [
        {
          provide: TokenVerifier,
          inject: [AUTH_GRPC_FOR_JWKS],
          useFactory: (client: ClientGrpc) =>
            new TokenVerifier({
              issuer: options.issuer,
              audience: options.audience,
              clockToleranceSeconds: options.clockToleranceSeconds,
              jwks: new GrpcJwksSource(client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME)),
            }),
        },
        BearerAuthGuard,
      ],
      exports: [TokenVerifier, BearerAuthGuard],
    };
  }
}
