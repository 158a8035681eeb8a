import { defineProblemTypes, PlatformProblems } from '@chat4all/platform';

export const WebhookProblems = defineProblemTypes({
  invalidWebhookPayload: { slug: 'invalid-webhook-payload', status: 400, title: 'Invalid webhook payload' },
  invalidWebhookSignature: { slug: 'invalid-webhook-signature', status: 401, title: 'Invalid webhook signature' },
  invalidVerifyToken: { slug: 'invalid-verify-token', status: 403, title: 'Invalid verify token' },
  unknownChannel: { slug: 'unknown-channel', status: 404, title: 'Unknown channel' },
  // A correctly signed body that is not JSON: every platform sends application/json.
  unsupportedMediaType: PlatformProblems.unsupportedMediaType,
  rateLimited: PlatformProblems.rateLimited,
  // Kafka or PostgreSQL could not take the webhook: the provider delivers it again.
  eventLogUnavailable: { slug: 'event-log-unavailable', status: 503, title: 'Try again later' },
});
