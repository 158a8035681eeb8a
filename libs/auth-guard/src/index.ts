export { ACCEPTED_ALGORITHMS, InvalidTokenError, KeysUnavailableError, TokenVerifier } from './token-verifier';
export type { JwksSource, Principal, TokenVerifierOptions } from './token-verifier';
export { GrpcJwksSource } from './grpc-jwks-source';
export { BearerAuthGuard, CurrentPrincipal, RequireScopes } from './bearer-auth.guard';
export { AuthGuardModule } from './auth-guard.module';
export type { AuthGuardOptions } from './auth-guard.module';
