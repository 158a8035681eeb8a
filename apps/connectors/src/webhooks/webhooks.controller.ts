import { AuditLog } from '@chat4all/audit';
import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { Controller, Get, Header, HttpCode, Logger, Param, Post, Query, Req, type RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Channels } from '../channel-runtime';
import { WebhookPayloadError, type InboundEvent } from '../channels';
import { webhooks } from '../connector-metrics';
import { sameSecret } from '../channels/webhook-signature';
import { WebhookIntake, WebhookNotRecordedError } from './webhook-intake.service';
import { WebhookProblems } from './webhook.problems';

// POST /webhooks/{channel}: the provider calls us (ARCHITECTURE §3a). The signature is checked over
// the exact bytes received, the payload parsed by the channel's connector, and its events recorded
// (WebhookIntake). 200 only once they are: otherwise the provider retries, as every platform does
// when a webhook is not acknowledged.
@Controller('webhooks')
export class WebhooksController {
  private readonly logger = new Logger(WebhooksController.name);

  constructor(
    private readonly channels: Channels,
    private readonly intake: WebhookIntake,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Meta's subscription handshake: the dashboard calls GET with hub.mode=subscribe, the verify token
   * you typed and a challenge, and expects the challenge back as the body. Telegram has none
   * (setWebhook registers the URL), so only channels signing with X-Hub-Signature-256 answer it.
   */
  @Get(':channel')
  @Header('content-type', 'text/plain; charset=utf-8')
  async verifySubscription(@Param('channel') channel: string, @Query() query: Record<string, string | undefined>, @Req() request: FastifyRequest): Promise<string> {
    const runtime = this.channels.get(channel);
    if (!runtime || runtime.module.capabilities.webhookAuthentication !== 'body-hmac') {
      throw new ProblemException(WebhookProblems.unknownChannel, `No subscription handshake for channel '${channel}' here.`);
    }
    const challenge = query['hub.challenge'];
    if (query['hub.mode'] !== 'subscribe' || !challenge || challenge.length > 256) {
      throw new ProblemException(PlatformProblems.invalidRequest, 'Expected hub.mode=subscribe, hub.verify_token and hub.challenge (at most 256 characters).');
    }
    if (!runtime.verifyToken || !sameSecret(query['hub.verify_token'] ?? '', runtime.verifyToken)) {
      await this.audit.record({ type: 'webhook_verify_token_invalid', outcome: 'failure', remoteIp: request.ip, details: { channel } });
      throw new ProblemException(WebhookProblems.invalidVerifyToken, `hub.verify_token does not match ${channel.toUpperCase()}_VERIFY_TOKEN.`);
    }
    return challenge;
  }

  @Post(':channel')
  @HttpCode(200)
  async receive(@Param('channel') channel: string, @Req() request: RawBodyRequest<FastifyRequest>): Promise<{ received: number }> {
    const runtime = this.channels.get(channel);
    if (!runtime) throw new ProblemException(WebhookProblems.unknownChannel, `No connector serves channel '${channel}' here.`);
    const raw = request.rawBody ?? Buffer.alloc(0);
    if (!runtime.connector.verifySignature(request.headers, raw)) {
      webhooks.inc({ channel, outcome: 'bad_signature' });
      await this.audit.record({ type: 'webhook_signature_invalid', outcome: 'failure', remoteIp: request.ip, details: { channel, bytes: raw.length } });
      throw new ProblemException(WebhookProblems.invalidWebhookSignature, `The request is not signed with ${channel}'s webhook secret.`);
    }
    let events: InboundEvent[];
    try {
      events = runtime.connector.parseWebhook(request.body);
    } catch (error) {
      if (!(error instanceof WebhookPayloadError)) throw error;
      webhooks.inc({ channel, outcome: 'bad_payload' });
      throw new ProblemException(WebhookProblems.invalidWebhookPayload, error.message);
    }
    try {
      await this.intake.record(runtime.channel, events);
    } catch (error) {
      if (!(error instanceof WebhookNotRecordedError)) throw error;
      webhooks.inc({ channel, outcome: 'unavailable' });
      this.logger.error({ err: error.cause, channel, message: 'webhook not acknowledged: Kafka or PostgreSQL unavailable (the provider will retry)' });
      throw new ProblemException(WebhookProblems.eventLogUnavailable, 'The webhook could not be recorded; deliver it again.', {}, { 'retry-after': '5' });
    }
    webhooks.inc({ channel, outcome: 'accepted' });
    return { received: events.length };
  }
}
