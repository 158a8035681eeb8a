import type { TokenVerificationConfig } from '@chat4all/config';
import { grpcClientModule } from '@chat4all/platform';
import { authV1, GrpcContracts } from '@chat4all/proto';
import { Global, Inject, Module, type DynamicModule, type FactoryProvider, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { AUTH_FAILURE_LISTENER, BearerAuthGuard, type AuthFailureListener } from './bearer-auth.guard';
import { GrpcJwksSource } from './grpc-jwks-source';
import { GrpcRevocationSource } from './grpc-revocation-source';
import { RevocationList } from './revocation-list';
import { TokenVerifier } from './token-verifier';

const AUTH_GRPC_FOR_JWKS = 'AUTH_GRPC_FOR_JWKS';

/** auth's address and the token rules (AUTH_* variables, libs/config toTokenVerificationConfig). */
export type AuthGuardOptions = TokenVerificationConfig;

@Global()
@Module({})
export class AuthGuardModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(RevocationList) private readonly revocations: RevocationList) {}

  onApplicationBootstrap(): void {
    this.revocations.start();
  }

  onApplicationShutdown(): void {
    this.revocations.stop();
  }

  /** `failureListener`: a provider for AUTH_FAILURE_LISTENER (e.g. one that writes audit records). */
  static forRoot(options: AuthGuardOptions, failureListener?: Omit<FactoryProvider<AuthFailureListener>, 'provide'>): DynamicModule {
    return {
      module: AuthGuardModule,
      imports: [grpcClientModule(AUTH_GRPC_FOR_JWKS, GrpcContracts.auth, options.authGrpcUrl)],
      providers: [
        {
          provide: RevocationList,
          inject: [AUTH_GRPC_FOR_JWKS],
          useFactory: (client: ClientGrpc) =>
            new RevocationList(new GrpcRevocationSource(client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME)), options.revocationPollMs),
        },
        {
          provide: TokenVerifier,
          inject: [AUTH_GRPC_FOR_JWKS, RevocationList],
          useFactory: (client: ClientGrpc, revocations: RevocationList) =>
            new TokenVerifier({
              issuer: options.issuer,
              audience: options.audience,
              clockToleranceSeconds: options.clockToleranceSeconds,
              verifiedCacheSize: options.verifiedTokenCacheSize,
              jwks: new GrpcJwksSource(client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME)),
              revocations,
            }),
        },
        BearerAuthGuard,
        ...(failureListener ? [{ ...failureListener, provide: AUTH_FAILURE_LISTENER }] : []),
      ],
      // The guard is instantiated in each controller's module: what it injects must be exported.
      exports: [TokenVerifier, RevocationList, BearerAuthGuard, ...(failureListener ? [AUTH_FAILURE_LISTENER] : [])],
    };
  }
}
