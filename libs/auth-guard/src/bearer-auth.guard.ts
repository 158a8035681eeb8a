import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { Inject, Injectable, Optional, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { InvalidTokenError, KeysUnavailableError, TokenVerifier, type Principal } from './token-verifier';
import { AuthProblems } from '@chat4all/contracts';

const REALM = 'chat4all';

/** Told about every refused bearer token, e.g. to write an audit record (NFR-022). */
export const AUTH_FAILURE_LISTENER = Symbol('AUTH_FAILURE_LISTENER');
export type AuthFailureListener = (failure: { reason: string; ip: string; path: string }) => Promise<void>;
const SCOPES_KEY = 'chat4all:required-scopes';

/** Scopes a route needs (all of them), e.g. `@RequireScopes('write')`. */
export const RequireScopes = (...scopes: string[]) => SetMetadata(SCOPES_KEY, scopes);

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The verified caller of a route behind BearerAuthGuard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without BearerAuthGuard');
  return principal;
});

const quote = (s: string) => s.replace(/["\\]/g, '');

// RFC 6750 §3: 401 with WWW-Authenticate for a missing or invalid token, 403 insufficient_scope.
// Bodies are problem+json like every other error.
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
    @Optional() @Inject(AUTH_FAILURE_LISTENER) private readonly onFailure?: AuthFailureListener,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\w.~+/-]+=*)$/i.exec(header.trim()) : null;
    if (!match?.[1]) {
      throw new ProblemException(PlatformProblems.unauthorized, 'Send an access token: Authorization: Bearer <token>', {}, {
        'www-authenticate': `Bearer realm="${REALM}"`,
      });
    }
    let principal: Principal;
    try {
      principal = await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof KeysUnavailableError) {
        throw new ProblemException(AuthProblems.authUnavailable, 'Retry shortly.', {}, { 'retry-after': '5' });
      }
      const reason = error instanceof InvalidTokenError ? error.reason : 'token could not be verified';
      await this.onFailure?.({ reason, ip: request.ip, path: request.url });
      throw new ProblemException(AuthProblems.invalidToken, reason, {}, {
        'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${quote(reason)}"`,
      });
    }
    const required = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, [context.getHandler(), context.getClass()]) ?? [];
    const missing = required.filter((s) => !principal.scopes.includes(s));
    if (missing.length) {
      throw new ProblemException(AuthProblems.insufficientScope, `This route needs scope: ${required.join(' ')}`, {}, {
        'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${required.join(' ')}"`,
      });
    }
    request.principal = principal;
    return true;
  }
}
