import type { FastifyInstance } from 'fastify';

/**
 * Bodies of these Content-Types are not read by Fastify: `request.body` is the unread request stream
 * (what @fastify/reply-from forwards as it arrives), which the route reads itself (file chunks, tus PATCH), so a 10 MiB chunk or a 2 GiB tus
 * request never sits in memory and HTTP_BODY_LIMIT_BYTES does not apply to them (the route has its own
 * limits). The gateway uses the same to forward such bodies untouched.
 */
export const STREAMED_CONTENT_TYPES = ['application/octet-stream', 'application/offset+octet-stream'] as const;

export function acceptStreamedBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([...STREAMED_CONTENT_TYPES], (_request, payload, done) => done(null, payload));
}
