import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PlatformProblems, problemTypeUri, type ProblemType } from '@chat4all/contracts';
import type { ApplySecurityHeaders } from './security-headers';
import { recordRouteMethods } from './route-methods';

// Errors raised before a request reaches a route, by Fastify's router (a path that is not a valid URL,
// a path parameter over maxParamLength) or by Node's HTTP parser (headers or URL over the size limit,
// a malformed request line or header, a request that took too long to arrive). Fastify answers those
// with its own JSON; here they are problem+json with stable types like every other error. (The
// parser's are written straight to the socket, which is then closed: no response object, and no
// browser renders them, so they carry no security headers.)

const problem = (kind: ProblemType, detail: string) => JSON.stringify({ type: problemTypeUri(kind), title: kind.title, status: kind.status, detail });

// These run before the onRequest hooks (security headers among them), so they set the headers themselves.
const frameworkErrors = (securityHeaders: ApplySecurityHeaders) => (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
  const [kind, detail] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [PlatformProblems.uriTooLong, 'A path parameter is longer than any identifier this API uses.']
      : error.code === 'FST_ERR_BAD_URL'
        ? [PlatformProblems.badRequest, 'The path is not a valid URL.']
        : [PlatformProblems.badRequest, error.message];
  securityHeaders(request.raw, reply.raw);
  void reply.code(kind.status).header('content-type', 'application/problem+json').send(problem(kind, detail));
};

function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [kind, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [PlatformProblems.requestHeaderFieldsTooLarge, 'The request line and headers are larger than this server accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [PlatformProblems.requestTimeout, 'The request did not arrive in time.']
        : [PlatformProblems.badRequest, 'The request is not valid HTTP (request line or a header).'];
  const body = problem(kind, detail);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${kind.status} ${STATUS_CODES[kind.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

// The longest identifier in a path is a UUID (36 characters): longer path parameters are refused
// by the router (414) before any route runs.
const MAX_PARAM_LENGTH = 100;

/** Fastify options that make its own early errors problem+json. */
export const problemFrameworkErrors = (securityHeaders: ApplySecurityHeaders): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler' | 'routerOptions'> => ({
  frameworkErrors: frameworkErrors(securityHeaders),
  clientErrorHandler,
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
});

/**
 * Prepares an app's Fastify before its routes are registered: an unrouted method on a known path
 * becomes 405 (see route-methods.ts), and bodies are JSON or form-encoded only (Fastify's default
 * text/plain parser would hand a route a string, answered 400; without it the media type is a 415).
 */
export function prepareProblemRouting(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  recordRouteMethods(fastify);
}
