import { authV1 } from '@chat4all/proto';
import { firstValueFrom, timeout, type Subscription } from 'rxjs';
import type { Revocation, RevocationKind, RevocationSource } from './revocation-list';

const KINDS: readonly string[] = ['user', 'client', 'session'] satisfies RevocationKind[];

const WATCH_RETRY_MIN_MS = 500;
const WATCH_RETRY_MAX_MS = 10_000;

// The revocation list comes from auth's AuthService.ListRevocations (internal gRPC), re-read each
// time auth's WatchRevocations stream says it changed. The stream is reopened with backoff whenever
// it ends (auth restarting, a balancer cutting an idle connection); every (re)open announces a
// change, so nothing that happened while it was down is missed.
export class GrpcRevocationSource implements RevocationSource {
  constructor(
    private readonly auth: authV1.AuthServiceClient,
    private readonly deadlineMs = 2_000,
  ) {}

  watch(changed: () => void): () => void {
    let stopped = false;
    let delayMs = WATCH_RETRY_MIN_MS;
    let timer: NodeJS.Timeout | undefined;
    let subscription: Subscription | undefined;
    const reopen = () => {
      if (stopped) return;
      timer = setTimeout(open, delayMs).unref();
      delayMs = Math.min(delayMs * 2, WATCH_RETRY_MAX_MS);
    };
    const open = () => {
      subscription = this.auth.watchRevocations({}).subscribe({
        next: () => {
          delayMs = WATCH_RETRY_MIN_MS;
          changed();
        },
        error: reopen,
        complete: reopen,
      });
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
    };
  }

  async fetch(): Promise<Revocation[]> {
    const { revocations } = await firstValueFrom(this.auth.listRevocations({}).pipe(timeout(this.deadlineMs)));
    return (revocations ?? [])
      .filter((r) => KINDS.includes(r.kind))
      .map((r) => ({ kind: r.kind as RevocationKind, subject: r.subject, revokedAt: Number(r.revokedAt) }));
  }
}
