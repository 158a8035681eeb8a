import { AuditLog } from '@chat4all/audit';
import { ProblemException } from '@chat4all/platform';
import { RateLimiter, rateLimitHeaders, type RateLimitDecision } from '@chat4all/rate-limit';
import { REDIS } from '@chat4all/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RateLimitProblems } from '@chat4all/contracts';

export interface RateLimitSubject {
  key: string;
  userId?: string;
  clientId?: string;
  ip: string;
}

// The gateway's two policies, and what a decision does to the response: RateLimit headers always,
// 429 problem+json with Retry-After and an audit record when over the limit.
@Injectable()
export class RateLimits {
  readonly writes: RateLimiter;
  readonly tokenPerClient: RateLimiter;
  private readonly logger = new Logger(RateLimits.name);
  private lastStoreWarning = 0;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly audit: AuditLog,
  ) {
    const { writePerMinute, tokenPerClientPerMinute, windowSeconds, onRedisError } = config.rateLimits;
    this.writes = RateLimiter.redis(redis, { name: 'writes', limit: writePerMinute, windowSeconds }, onRedisError);
    this.tokenPerClient = RateLimiter.redis(redis, { name: 'token-per-client', limit: tokenPerClientPerMinute, windowSeconds }, onRedisError);
  }

  async enforce(limiter: RateLimiter, subject: RateLimitSubject, reply: FastifyReply): Promise<void> {
    const decision = await limiter.consume(subject.key);
    void reply.headers(rateLimitHeaders(decision));
    if (decision.kind === 'allowed') return;
    if (decision.kind === 'store-unavailable') return this.storeUnavailable(decision);
    await this.audit.record({
      type: 'rate_limited',
      outcome: 'failure',
      userId: subject.userId,
      clientId: subject.clientId,
      remoteIp: subject.ip,
      details: { policy: decision.policy.name, key: subject.key, limit: decision.policy.limit, window_seconds: decision.policy.windowSeconds },
    });
    throw new ProblemException(
      RateLimitProblems.rateLimited,
      `Limit of ${decision.policy.limit} per ${decision.policy.windowSeconds} s reached; retry in ${decision.resetSeconds} s.`,
      { policy: decision.policy.name },
      { 'retry-after': String(decision.resetSeconds), ...rateLimitHeaders(decision) },
    );
  }

  private storeUnavailable(decision: Extract<RateLimitDecision, { kind: 'store-unavailable' }>): void {
    if (Date.now() - this.lastStoreWarning > 10_000) {
      this.lastStoreWarning = Date.now();
      this.logger.warn({ policy: decision.policy.name, allowed: decision.allowed, message: 'rate-limit store (Redis) unreachable' });
    }
    if (!decision.allowed) {
      throw new ProblemException(RateLimitProblems.rateLimitUnavailable, 'Rate limiting is unavailable; retry shortly.', {}, { 'retry-after': '5' });
    }
  }
}
