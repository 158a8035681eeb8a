import { Logger } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import type { Principal } from './token-verifier';

export type RevocationKind = 'user' | 'client' | 'session';

export interface Revocation {
  kind: RevocationKind;
  subject: string;
  /** Unix seconds: tokens issued at or before it are refused. */
  revokedAt: number;
}

export interface RevocationSource {
  fetch(): Promise<Revocation[]>;
  /**
   * Calls `changed` whenever the list may have changed (and once on each (re)connection), until the
   * returned function is called. Optional: without it the list is only polled.
   */
  watch?(changed: () => void): () => void;
}

const entries = new Gauge({ name: 'auth_revocations', help: 'Entries in the revocation list this verifier enforces', registers: [register] });
const refreshFailures = new Counter({
  name: 'auth_revocation_refresh_failures_total',
  help: 'Polls of the revocation list (auth ListRevocations) that failed; the last list stays in force',
  registers: [register],
});
/** The age of the list the process enforces (one verifier per app), for the gauge. */
let enforcedAge: (() => number) | undefined;
new Gauge({
  name: 'auth_revocation_list_age_seconds',
  help: 'Seconds since the revocation list was last refreshed from auth (grows while auth is unreachable)',
  registers: [register],
  collect() {
    if (enforcedAge) this.set(enforcedAge());
  },
});

const keyOf = (kind: RevocationKind, subject: string) => `${kind}:${subject}`;

// Access tokens are verified locally and live up to ACCESS_TOKEN_TTL_SECONDS; disabling a user or a
// client, or revoking a refresh-token family, must end them sooner (NFR-019). Every verifier keeps
// the list of such revocations, re-read from auth each time auth says it changed (the source's
// watch) and polled every AUTH_REVOCATION_POLL_MS as the safety net for a watch that is down, and
// refuses a token issued at or before an entry for its user, client or session. A failed poll keeps the last list
// (auth briefly down must not let revoked tokens back in, nor lock everyone out); before the first
// successful load, verification waits for it.
export class RevocationList {
  private readonly logger = new Logger(RevocationList.name);
  private revoked = new Map<string, number>();
  private loadedAt = 0;
  private loading?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private unwatch?: () => void;
  /** A change was announced while a refresh was in flight (which may have read the list before it). */
  private changedMeanwhile = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly source: RevocationSource,
    private readonly pollMs: number,
  ) {}

  start(): void {
    enforcedAge = () => this.ageSeconds();
    this.timer ??= setInterval(() => void this.refresh().catch(() => undefined), this.pollMs).unref();
    this.unwatch ??= this.source.watch?.(() => this.changed());
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private changed(): void {
    if (this.loading) this.changedMeanwhile = true;
    else void this.refresh().catch(() => undefined);
  }

  /** Seconds since the last successful refresh (0 before the first). */
  ageSeconds(): number {
    return this.loadedAt === 0 ? 0 : (Date.now() - this.loadedAt) / 1000;
  }

  /** Resolves once a list has been loaded (at once after the first success); rejects while none ever could be. */
  async ready(): Promise<void> {
    if (this.loadedAt === 0) await this.refresh();
  }

  /** Whether the token behind `principal` was issued at or before a revocation of its user, client or session. */
  isRevoked(principal: Pick<Principal, 'userId' | 'clientId' | 'sessionId' | 'issuedAt'>): boolean {
    const issuedAt = Math.floor(principal.issuedAt.getTime() / 1000);
    const at = (kind: RevocationKind, subject: string | undefined) => (subject === undefined ? undefined : this.revoked.get(keyOf(kind, subject)));
    return [at('user', principal.userId), at('client', principal.clientId), at('session', principal.sessionId)].some((r) => r !== undefined && issuedAt <= r);
  }

  /** Called after every refresh that brought a new entry (realtime closes the sockets it ends). */
  onRevoked(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private refresh(): Promise<void> {
    this.loading ??= this.source
      .fetch()
      .then((list) => {
        const next = new Map(list.map((r) => [keyOf(r.kind, r.subject), r.revokedAt]));
        const added = [...next].some(([k, at]) => this.revoked.get(k) !== at);
        this.revoked = next;
        this.loadedAt = Date.now();
        entries.set(next.size);
        if (added) for (const listener of this.listeners) listener();
      })
      .catch((error: unknown) => {
        refreshFailures.inc();
        this.logger.warn({ err: error, message: 'revocation list not refreshed (the last one stays in force)' });
        throw error;
      })
      .finally(() => {
        this.loading = undefined;
        if (this.changedMeanwhile) {
          this.changedMeanwhile = false;
          void this.refresh().catch(() => undefined);
        }
      });
    return this.loading;
  }
}
