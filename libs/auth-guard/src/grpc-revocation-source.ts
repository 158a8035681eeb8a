import { authV1 } from '@chat4all/proto';
import { firstValueFrom, timeout } from 'rxjs';
import type { Revocation, RevocationKind, RevocationSource } from './revocation-list';

const KINDS: readonly string[] = ['user', 'client', 'session'] satisfies RevocationKind[];

// The revocation list comes from auth's AuthService.ListRevocations (internal gRPC).
export class GrpcRevocationSource implements RevocationSource {
  constructor(
    private readonly auth: authV1.AuthServiceClient,
    private readonly deadlineMs = 2_000,
  ) {}

  async fetch(): Promise<Revocation[]> {
    const { revocations } = await firstValueFrom(this.auth.listRevocations({}).pipe(timeout(this.deadlineMs)));
    return (revocations ?? [])
      .filter((r) => KINDS.includes(r.kind))
      .map((r) => ({ kind: r.kind as RevocationKind, subject: r.subject, revokedAt: Number(r.revokedAt) }));
  }
}
