import { AuditLog } from '@chat4all/audit';
import { type ExternalChannel, WebhookProblems } from '@chat4all/contracts';
import { PlatformProblems, ProblemException, RawBody } from '@chat4all/platform';
import { Controller, Get, Header, HttpCode, Logger, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Channels } from '../channel-runtime';
import { WebhookPayloadError, type InboundEvent } from '../channels';
import { webhooks } from '../connector-metrics';
import { sameSecret } from '../channels/webhook-signature';
import { WebhookIntake, WebhookNotRecordedError } from './webhook-intake.service';
import { WebhookRateLimitGuard } from './webhook-rate-limit.guard';

const JSON_MEDIA_TYPE = /^application\/json[ \t]*(;|$)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// POST /webhooks/{channel}: the provider calls us (ARCHITECTURE §3a). In this order, cheapest
// refusal first: the rate limit per channel and source (WebhookRateLimitGuard), the signature over
// the exact bytes received (@RawBody: nothing has parsed them, whatever their Content-Type), then the
// JSON and the channel's payload shape, and its events recorded (WebhookIntake). 200 only once they
// are: otherwise the provider retries, as every platform does when a webhook is not acknowledged.
@Controller('webhooks')
@UseGuards(WebhookRateLimitGuard)
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
  @RawBody()
  @HttpCode(200)
  async receive(@Param('channel') channel: string, @Req() request: FastifyRequest): Promise<{ received: number }> {
    const runtime = this.channels.get(channel);
    if (!runtime) throw new ProblemException(WebhookProblems.unknownChannel, `No connector serves channel '${channel}' here.`);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!runtime.connector.verifySignature(request.headers, raw)) {
      webhooks.inc({ channel, outcome: 'bad_signature' });
      await this.audit.record({ type: 'webhook_signature_invalid', outcome: 'failure', remoteIp: request.ip, details: { channel, bytes: raw.length } });
      throw new ProblemException(WebhookProblems.invalidWebhookSignature, `The request is not signed with ${channel}'s webhook secret.`);
    }
    if (!JSON_MEDIA_TYPE.test(request.raw.headers['content-type'] ?? '')) {
      webhooks.inc({ channel, outcome: 'unsupported_media_type' });
      throw new ProblemException(WebhookProblems.unsupportedMediaType, `A ${channel} webhook is sent as Content-Type: application/json.`);
    }
    let events: InboundEvent[];
    try {
      events = runtime.connector.parseWebhook(decodeJson(runtime.channel, raw));
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

/** The JSON value of a verified body; WebhookPayloadError when it is not UTF-8 JSON. */
function decodeJson(channel: ExternalChannel, raw: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(raw)) as unknown;
  } catch (error) {
    throw new WebhookPayloadError(channel, `the body is not UTF-8 JSON (${(error as Error).message})`);
  }
}
