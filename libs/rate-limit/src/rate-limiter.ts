import type { Redis } from 'ioredis';
import { Counter, register } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitPolicy {
  /** Name shown in the RateLimit-Policy header and in metrics, e.g. "write-per-user". */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** What to do when Redis cannot be asked: let requests through, or refuse them. */
export type StoreFailureMode = 'allow' | 'deny';

export type RateLimitDecision =
  | { kind: 'allowed'; policy: RateLimitPolicy; remaining: number; resetSeconds: number }
  | { kind: 'limited'; policy: RateLimitPolicy; remaining: 0; resetSeconds: number }
  | { kind: 'store-unavailable'; policy: RateLimitPolicy; allowed: boolean };

const rejected = new Counter({
  name: 'rate_limit_rejections_total',
  help: 'Requests refused by a rate-limit policy',
  labelNames: ['policy'],
  registers: [register],
});
const storeErrors = new Counter({
  name: 'rate_limit_store_errors_total',
  help: 'Rate-limit checks that could not reach Redis, by the outcome applied',
  labelNames: ['policy', 'outcome'],
  registers: [register],
});

// Fixed-window counters (rate-limiter-flexible), kept in Redis, so a limit holds across every
// instance, or in this process, where each instance counts on its own and there is no store to lose.
/**
 * Counters are kept per policy and window: instances (or a restart) with another window do not read
 * each other's counters, whose expiry follows the window that wrote them.
 */
const keyPrefix = (policy: RateLimitPolicy) => `rl:${policy.name}:${policy.windowSeconds}s`;

export class RateLimiter {
  private constructor(
    private readonly limiter: RateLimiterAbstract,
    readonly policy: RateLimitPolicy,
    private readonly onStoreFailure: StoreFailureMode,
  ) {}

  /** Counters shared by every instance through Redis; `onStoreFailure` applies while Redis cannot be asked. */
  static redis(redis: Redis, policy: RateLimitPolicy, onStoreFailure: StoreFailureMode): RateLimiter {
    const limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: keyPrefix(policy),
      points: policy.limit,
      duration: policy.windowSeconds,
      rejectIfRedisNotReady: true,
    });
    return new RateLimiter(limiter, policy, onStoreFailure);
  }

  /** Counters in this process's memory: the limit holds per instance. Keys expire with their window. */
  static inMemory(policy: RateLimitPolicy): RateLimiter {
    return new RateLimiter(new RateLimiterMemory({ keyPrefix: keyPrefix(policy), points: policy.limit, duration: policy.windowSeconds }), policy, 'allow');
  }

  async consume(key: string): Promise<RateLimitDecision> {
    try {
      const res = await this.limiter.consume(key, 1);
      return { kind: 'allowed', policy: this.policy, remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000) };
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        rejected.inc({ policy: this.policy.name });
        return { kind: 'limited', policy: this.policy, remaining: 0, resetSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
      }
      const allowed = this.onStoreFailure === 'allow';
      storeErrors.inc({ policy: this.policy.name, outcome: allowed ? 'allowed' : 'denied' });
      return { kind: 'store-unavailable', policy: this.policy, allowed };
    }
  }
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), structured-field syntax. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  if (decision.kind === 'store-unavailable') return {};
  const { name, limit, windowSeconds } = decision.policy;
  return {
    'ratelimit-policy': `"${name}";q=${limit};w=${windowSeconds}`,
    ratelimit: `"${name}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}
