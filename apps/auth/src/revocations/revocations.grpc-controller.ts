import { authV1 } from '@chat4all/proto';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { RevocationWatch } from './revocation-watch';
import { RevocationsRepository } from './revocations.repository';

/** Past the longest access-token lifetime, what verifiers may tolerate as clock skew (AUTH_CLOCK_SKEW_SECONDS is at most 300). */
const SKEW_MARGIN_SECONDS = 300;

// AuthService.ListRevocations: every verifier (gateway, realtime) reads it when WatchRevocations says
// it changed (and polls it as a safety net) and refuses access tokens issued at or before an entry
// for their user, client or session.
@Controller()
export class RevocationsGrpcController {
  constructor(
    private readonly revocations: RevocationsRepository,
    private readonly revocationWatch: RevocationWatch,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @GrpcMethod(authV1.AUTH_SERVICE_NAME, 'ListRevocations')
  async listRevocations(_request: authV1.ListRevocationsRequest): Promise<authV1.ListRevocationsResponse> {
    const rows = await this.revocations.since(this.config.tokens.accessTokenTtlSeconds + SKEW_MARGIN_SECONDS);
    return { revocations: rows.map((r) => ({ kind: r.kind, subject: r.subject, revokedAt: String(Math.floor(new Date(r.revoked_at).getTime() / 1000)) })) };
  }

  @GrpcMethod(authV1.AUTH_SERVICE_NAME, 'WatchRevocations')
  watchRevocations(_request: authV1.WatchRevocationsRequest): Observable<authV1.WatchRevocationsResponse> {
    return this.revocationWatch.watch();
  }
}
