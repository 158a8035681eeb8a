import type { FastifyReply } from 'fastify';
import { graphErrorBody, metaJson } from './meta-graph';
import { ProviderSimulator } from './provider-simulator';
import type { WebhookFormat } from './webhook-dispatcher';
import { hubSignature256, hubSignatureSha1 } from './webhook-signature';

// What the simulated Meta platforms (WhatsApp, Messenger, Instagram) share: Graph error answers
// and webhooks serialised and signed the way Meta does it.
export abstract class MetaPlatformSimulator extends ProviderSimulator {
  protected webhookFormat(): WebhookFormat {
    return {
      serialize: metaJson,
      sign: (rawBody) => ({ 'x-hub-signature-256': hubSignature256(this.webhookSecret, rawBody), 'x-hub-signature': hubSignatureSha1(this.webhookSecret, rawBody) }),
    };
  }

  protected outageReply(reply: FastifyReply): FastifyReply {
    return reply.code(503).send(graphErrorBody(2, '(#2) Service temporarily unavailable'));
  }

  protected malformedReply(reply: FastifyReply, status: number, message: string): FastifyReply {
    const code = status === 404 ? 2500 : 100;
    return reply.code(status === 404 ? 400 : status).send(graphErrorBody(code, `(#${code}) ${message}`, { type: status >= 500 ? 'GraphMethodException' : 'OAuthException' }));
  }
}
