import { grpcClientOptions } from '@chat4all/platform';
import { authV1, GrpcContracts } from '@chat4all/proto';
import { Global, Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import { ClientsModule, type ClientGrpc } from '@nestjs/microservices';
import { AUTH_FAILURE_LISTENER, BearerAuthGuard, type AuthFailureListener } from './bearer-auth.guard';
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
  /** `failureListener`: a provider for AUTH_FAILURE_LISTENER (e.g. one that writes audit records). */
  static forRoot(options: AuthGuardOptions, failureListener?: Omit<FactoryProvider<AuthFailureListener>, 'provide'>): DynamicModule {
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
        ...(failureListener ? [{ ...failureListener, provide: AUTH_FAILURE_LISTENER }] : []),
      ],
      // The guard is instantiated in each controller's module: what it injects must be exported.
      exports: [TokenVerifier, BearerAuthGuard, ...(failureListener ? [AUTH_FAILURE_LISTENER] : [])],
    };
  }
}
