import { problemType } from '@chat4all/contracts';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

// Errors raised before a request reaches a route, by Fastify's router (a path that is not a valid URL,
// a path parameter over maxParamLength) or by Node's HTTP parser (headers or URL over the size limit,
// a malformed request line or header, a request that took too long to arrive). Fastify answers those
// with its own JSON; here they are problem+json with stable types like every other error.

const problem = (status: number, slug: string, detail: string) =>
  JSON.stringify({ type: problemType(slug), title: STATUS_CODES[status] ?? 'Error', status, detail });

function frameworkErrors(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const [status, slug, detail] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, 'uri-too-long', 'A path parameter is longer than any identifier this API uses.']
      : error.code === 'FST_ERR_BAD_URL'
        ? [400, 'bad-request', 'The path is not a valid URL.']
        : [400, 'bad-request', error.message];
  void reply.code(status).header('content-type', 'application/problem+json').send(problem(status, slug, detail));
}

function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, slug, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request-header-fields-too-large', 'The request line and headers are larger than this server accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', 'The request did not arrive in time.']
        : [400, 'bad-request', 'The request is not valid HTTP (request line or a header).'];
  const body = problem(status, slug, detail);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** Fastify options that make its own early errors problem+json. */
export const problemFrameworkErrors: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> = { frameworkErrors, clientErrorHandler };
