import type { FastifyInstance } from 'fastify';

/**
 * Bodies of these Content-Types are not read by Fastify: the route gets `request.body` undefined and
 * reads `request.raw` itself, as a stream (file chunks, tus PATCH), so a 10 MiB chunk or a 2 GiB tus
 * request never sits in memory and HTTP_BODY_LIMIT_BYTES does not apply to them (the route has its own
 * limits). The gateway uses the same to forward such bodies untouched.
 */
export const STREAMED_CONTENT_TYPES = ['application/octet-stream', 'application/offset+octet-stream'] as const;

export function acceptStreamedBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([...STREAMED_CONTENT_TYPES], (_request, _payload, done) => done(null, undefined));
}
