import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import pino, { type Logger as PinoLogger } from 'pino';

/**
 * A start-up failure that no retry can fix: wrong credentials, a database or bucket name that does not
 * exist, a setting the server refuses. Start-up stops at once with it (exit 1), naming the dependency.
 */
export class PermanentStartupError extends Error {
  constructor(
    readonly dependency: string,
    readonly step: string,
    readonly reason: string,
  ) {
    super(`${dependency}: ${step} failed permanently: ${reason} (a retry cannot fix this: check the ${dependency} settings)`);
    this.name = 'PermanentStartupError';
  }
}

/** Transient failures went on for longer than the start-up bound (STARTUP_TIMEOUT_MS). */
export class StartupTimeoutError extends Error {
  constructor(
    readonly dependency: string,
    readonly step: string,
    readonly waitedMs: number,
    readonly reason: string,
  ) {
    super(`${dependency}: ${step} still failing after ${Math.round(waitedMs / 1000)} s (STARTUP_TIMEOUT_MS): ${reason}`);
    this.name = 'StartupTimeoutError';
  }
}

/** One step start-up is waiting for, as `/health/ready` reports it while the app starts. */
export interface StartupWait {
  dependency: string;
  step: string;
  attempts: number;
  since: string;
  last_error?: string;
}

export interface StartupSettings {
  /** How long one step may keep failing transiently before the app gives up and exits 1. */
  timeoutMs: number;
  /** Upper bound of the exponential backoff between two attempts. */
  maxDelayMs: number;
  logger?: PinoLogger;
}

export interface StartupStepOptions {
  /** Failures that a retry cannot fix (bad credentials, bad configuration): start-up stops at once. */
  isPermanent?: (error: unknown) => boolean;
}

// `KafkaJSConnectionError: Connection error: connect ECONNREFUSED ...`; a plain Error (or pg's, named
// 'error') is its message alone.
const describe = (error: unknown): string => (error instanceof Error ? `${/^error$/i.test(error.name) ? '' : `${error.name}: `}${error.message}` : String(error));

/**
 * Start-up of one process: every call that start-up makes to a dependency (connect to PostgreSQL or
 * Redis, create Kafka topics, join a consumer group, create the bucket...) runs as a step here. A step
 * that fails transiently is retried with exponential backoff (jittered, capped at `maxDelayMs`) until it
 * succeeds or `timeoutMs` passes; a permanent failure stops it at once. Meanwhile `waitingFor()` names
 * what the process waits for, which `/health/ready` answers while it starts. One per process, because
 * the early health server (before Nest exists) and the libraries' module factories both need it.
 */
export class StartupProgress {
  private settings: StartupSettings = { timeoutMs: 300_000, maxDelayMs: 5_000 };
  private readonly pending = new Map<number, StartupWait>();
  private nextId = 0;
  private log: PinoLogger = pino({ level: 'silent' });

  configure(settings: StartupSettings): void {
    this.settings = settings;
    if (settings.logger) this.log = settings.logger;
  }

  get timeoutMs(): number {
    return this.settings.timeoutMs;
  }

  /** The steps under way now, oldest first. */
  waitingFor(): StartupWait[] {
    return [...this.pending.values()];
  }

  async step<T>(dependency: string, step: string, work: () => Promise<T>, options: StartupStepOptions = {}): Promise<T> {
    const id = this.nextId++;
    const started = Date.now();
    const wait: StartupWait = { dependency, step, attempts: 0, since: new Date(started).toISOString() };
    this.pending.set(id, wait);
    const isPermanent = options.isPermanent ?? (() => false);
    const policy = retry(
      handleWhen((error) => !isPermanent(error) && Date.now() - started < this.settings.timeoutMs),
      { maxAttempts: Number.MAX_SAFE_INTEGER, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: this.settings.maxDelayMs }) },
    );
    const listener = policy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      this.log.warn({ dependency, step, attempt: wait.attempts, retry_in_ms: Math.round(event.delay), error: describe(error), message: `start-up: waiting for ${dependency} (${step})` });
    });
    try {
      const result = await policy.execute(async () => {
        wait.attempts += 1;
        try {
          return await work();
        } catch (error) {
          wait.last_error = describe(error);
          throw error;
        }
      });
      if (wait.attempts > 1) this.log.info({ dependency, step, attempts: wait.attempts, waited_ms: Date.now() - started, message: `start-up: ${dependency} (${step}) done` });
      return result;
    } catch (error) {
      if (error instanceof PermanentStartupError || error instanceof StartupTimeoutError) throw error;
      if (isPermanent(error)) throw new PermanentStartupError(dependency, step, describe(error));
      throw new StartupTimeoutError(dependency, step, Date.now() - started, describe(error));
    } finally {
      listener.dispose();
      this.pending.delete(id);
    }
  }
}

export const startup = new StartupProgress();
