export { ACCEPTED_ALGORITHMS, InvalidTokenError, KeysUnavailableError, TokenVerifier } from './token-verifier';
export type { JwksSource, Principal, TokenVerifierOptions } from './token-verifier';
export { GrpcJwksSource } from './grpc-jwks-source';
export { AUTH_FAILURE_LISTENER, BearerAuthGuard, CurrentPrincipal, RequireScopes } from './bearer-auth.guard';
export type { AuthFailureListener } from './bearer-auth.guard';
export { AuthGuardModule } from './auth-guard.module';
export { authenticateUpgrade, refuseUpgrade } from './upgrade-auth';
export type { AuthGuardOptions } from './auth-guard.module';
export { AuthProblems } from './auth.problems';
