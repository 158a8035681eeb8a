import replyFrom from '@fastify/reply-from';
import { problemType } from '@chat4all/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Registers @fastify/reply-from towards file-service's listener (from main, before the routes). */
export async function registerFileProxy(fastify: FastifyInstance, files: GatewayConfig['files']): Promise<void> {
  // tus clients expect Tus-Resumable on every answer, the gateway's own (401, 403, 429) included.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/v1/files/tus')) void reply.header('tus-resumable', '1.0.0');
    done();
  });
  await fastify.register(replyFrom, {
    base: files.serviceUrl,
    undici: { connections: files.proxyConnections, headersTimeout: files.proxyTimeoutMs, bodyTimeout: files.proxyTimeoutMs, keepAliveTimeout: 30_000 },
  });
}

// Streams a request to file-service and its answer back, unchanged (bodies are never buffered: a
// chunk goes through as it arrives). The caller's request id travels along, for the logs.
@Injectable()
export class FileProxy {
  private readonly logger = new Logger(FileProxy.name);

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  forward(req: FastifyRequest, reply: FastifyReply): FastifyReply {
    return reply.from(req.url, {
      rewriteRequestHeaders: (_req, headers) => ({ ...headers, 'x-request-id': req.id }),
      onError: (r, { error }) => {
        this.logger.warn({ err: error, url: req.url, message: 'file-service did not answer' });
        void r
          .code(503)
          .header('retry-after', '2')
          .header('content-type', 'application/problem+json')
          .send({ type: problemType('file-service-unavailable'), title: 'File service unavailable', status: 503, detail: 'file-service did not answer; retry shortly.', instance: req.url });
      },
    });
  }
}
