import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext } from 'cockatiel';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZodError, z } from 'zod';

/** The pauses between attempts. */
export type RetryBackoff =
  /** One retry after each pause, then give up (WORKER_RETRY_BACKOFF_MS: 1 s, 2 s, 4 s). */
  | { kind: 'pauses'; pausesMs: readonly number[] }
  /**
   * Doubling from `baseMs`, capped at `maxMs`, each pause jittered to 50–100 % of that (so instances
   * that failed together do not retry together); retried until it succeeds, unless `maxRetries`.
   */
  | { kind: 'exponential'; baseMs: number; maxMs: number; maxRetries?: number };

export interface RetryPolicyOptions {
  backoff: RetryBackoff;
  /** Failures no retry can fix (a payload that breaks its contract): given up on at once. */
  isPermanent?(error: unknown): boolean;
  /** A pause the failure itself asks for (a provider's Retry-After): when longer, it wins. */
  requestedDelayMs?(error: unknown): number | undefined;
  /** Before each pause: for the caller's log line and retry counter. */
  onRetry?(retry: { attempt: number; delayMs: number; error: unknown }): void;
  /**
   * Failures that say a dependency is down (a database failing over, a broker restarting), not that
   * the work is bad: once the retries run out on one, the work is tried again, at the last pause, for
   * up to `maxMs` from the first failure before it is given up on. Dead-lettering work because its
   * database took 12 s to fail over would leave it waiting for an operator for nothing.
   */
  outage?: { is(error: unknown): boolean; maxMs: number };
}

export interface RetryExecution {
  /** Aborted when the app stops: the pause in progress ends and the work is not started again. */
  signal?: AbortSignal;
  /** Before each pause of this execution (what the policy's onRetry cannot know: which record). */
  onRetry?(retry: { attempt: number; delayMs: number; error: unknown }): void;
}

/** Retries ran out, or the failure was permanent: the caller dead-letters (or records) it. */
export class GaveUpError extends Error {
  constructor(
    override readonly cause: unknown,
    /** Attempts made, the failed last one included. */
    readonly attempts: number,
    readonly permanent: boolean,
  ) {
    super(`gave up after ${attempts} attempt(s): ${failureReason(cause)}`);
    this.name = 'GaveUpError';
  }
}

/** The work was stopped (the app shutting down) before it succeeded: leave it for the next owner. */
export class RetryStoppedError extends Error {
  constructor(override readonly cause?: unknown) {
    super('stopped before the work succeeded');
    this.name = 'RetryStoppedError';
  }
}

/** A failure as one line for a log, a DLQ header or a row: a broken contract says which fields. */
export function failureReason(error: unknown): string {
  if (error instanceof ZodError) return `invalid payload: ${z.prettifyError(error)}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

const jittered = (ms: number) => ms * (0.5 + Math.random() / 2);

// The one retry policy of the Kafka consumers (message-worker, connectors; the outbox relay can adopt
// it): cockatiel decides whether to retry and how long to wait. cockatiel's own pause cannot be cut
// short, so it is set to zero and the policy sleeps at the start of the next attempt instead, on an
// AbortSignal: an app shutting down stops at once (RetryStoppedError) and leaves the record
// uncommitted for the partition's next owner, rather than sitting out a 30 s backoff.
export class RetryPolicy {
  constructor(private readonly options: RetryPolicyOptions) {}

  /** Retries after the first attempt before giving up. */
  private get maxRetries(): number {
    const b = this.options.backoff;
    return b.kind === 'pauses' ? b.pausesMs.length : (b.maxRetries ?? Number.MAX_SAFE_INTEGER);
  }

  /** Pause before retry `attempt` (1 = the first retry) after `error`. */
  delayMs(attempt: number, error: unknown): number {
    const b = this.options.backoff;
    const ms = b.kind === 'pauses' ? (b.pausesMs[attempt - 1] ?? b.pausesMs.at(-1) ?? 0) : jittered(Math.min(b.maxMs, b.baseMs * 2 ** Math.min(attempt - 1, 30)));
    return Math.max(ms, this.options.requestedDelayMs?.(error) ?? 0);
  }

  /**
   * Runs `work` (given the attempt number, from 1) until it succeeds. Throws GaveUpError when the
   * retries run out or the failure is permanent, RetryStoppedError when `options.signal` aborts first.
   */
  async execute<T>(work: (attempt: number) => Promise<T>, options: RetryExecution = {}): Promise<T> {
    const outage = this.options.outage;
    const started = Date.now();
    let made = 0;
    for (;;) {
      try {
        return await this.executeOnce(work, options, made);
      } catch (error) {
        if (!(error instanceof GaveUpError) || error.permanent || !outage?.is(error.cause)) throw error;
        made = error.attempts;
        const pauseMs = this.delayMs(this.maxRetries, error.cause);
        if (Date.now() + pauseMs - started > outage.maxMs) throw error;
        this.options.onRetry?.({ attempt: made, delayMs: pauseMs, error: error.cause });
        options.onRetry?.({ attempt: made, delayMs: pauseMs, error: error.cause });
        await this.pause(pauseMs, options.signal);
      }
    }
  }

  private async executeOnce<T>(work: (attempt: number) => Promise<T>, options: RetryExecution, before: number): Promise<T> {
    const { signal } = options;
    let attempts = 0;
    let pauseMs = 0;
    const isPermanent = (e: unknown) => e instanceof RetryStoppedError || (this.options.isPermanent?.(e) ?? false);
    const policy = retry(handleWhen((e) => !isPermanent(e)), {
      maxAttempts: this.maxRetries,
      backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
        const error = 'error' in ctx.result ? ctx.result.error : undefined;
        pauseMs = this.delayMs(ctx.attempt, error);
        this.options.onRetry?.({ attempt: ctx.attempt, delayMs: pauseMs, error });
        options.onRetry?.({ attempt: ctx.attempt, delayMs: pauseMs, error });
        return 0;
      }),
    });
    try {
      return await policy.execute(async ({ attempt }) => {
        if (attempt > 0) await this.pause(pauseMs, signal);
        if (signal?.aborted) throw new RetryStoppedError();
        attempts = before + attempt + 1;
        return work(attempts);
      }, signal);
    } catch (error) {
      if (error instanceof RetryStoppedError) throw error;
      if (signal?.aborted) throw new RetryStoppedError(error);
      throw new GaveUpError(error, attempts, isPermanent(error));
    }
  }

  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      throw new RetryStoppedError();
    }
  }
}
