import { ProblemException } from '@chat4all/platform';
import { RateLimiter, rateLimitHeaders, type RateLimitDecision } from '@chat4all/rate-limit';
import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Channels } from '../channel-runtime';
import { CONNECTORS_CONFIG, type ConnectorSettings } from '../config';
import { webhooks } from '../connector-metrics';
import { WebhookProblems } from '@chat4all/contracts';

const WARNING_INTERVAL_MS = 10_000;

// Webhook requests per channel and source address (request.ip, so HTTP_TRUST_PROXY decides what the
// source is), counted in this instance's memory: connectors has no Redis, so the limit is per
// instance. A guard runs before the handler, so a refusal costs neither the signature's HMAC over the
// body nor the audit row a bad signature writes. Only served channels count: a made-up channel name
// is the handler's 404, not a new key. Refusals are counted and logged at most every 10 s, never
// audited one by one: a flood must not turn into as many database writes.
@Injectable()
export class WebhookRateLimitGuard implements CanActivate {
  private readonly limiter: RateLimiter;
  private readonly logger = new Logger(WebhookRateLimitGuard.name);
  private lastWarning = 0;

  constructor(
    private readonly channels: Channels,
    @Inject(CONNECTORS_CONFIG) settings: ConnectorSettings,
  ) {
    this.limiter = RateLimiter.inMemory({ name: 'webhooks', ...settings.webhookRateLimit });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { channel?: string } }>>();
    const channel = request.params.channel ?? '';
    if (!this.channels.get(channel)) return true;
    const decision = await this.limiter.consume(`${channel}:${request.ip}`);
    const headers = rateLimitHeaders(decision);
    void context.switchToHttp().getResponse<FastifyReply>().headers(headers);
    if (decision.kind !== 'limited') return true;
    webhooks.inc({ channel, outcome: 'rate_limited' });
    this.warn(channel, request.ip, decision);
    throw new ProblemException(
      WebhookProblems.rateLimited,
      `Limit of ${decision.policy.limit} webhook requests per ${decision.policy.windowSeconds} s from this address reached; retry in ${decision.resetSeconds} s.`,
      { policy: decision.policy.name },
      { 'retry-after': String(decision.resetSeconds), ...headers },
    );
  }

  private warn(channel: string, ip: string, decision: Extract<RateLimitDecision, { kind: 'limited' }>): void {
    if (Date.now() - this.lastWarning < WARNING_INTERVAL_MS) return;
    this.lastWarning = Date.now();
    const { limit, windowSeconds } = decision.policy;
    this.logger.warn({ channel, remote_ip: ip, limit, window_seconds: windowSeconds, message: 'webhook requests over the rate limit refused (429)' });
  }
}
