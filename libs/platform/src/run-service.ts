import type { ServiceConfig } from '@chat4all/config';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { context } from '@opentelemetry/api';
import type { GrpcOptions } from '@nestjs/microservices';
import fastifyHelmet from '@fastify/helmet';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import pino from 'pino';
import { currentTraceId, logDestination, pinoOptions } from '@chat4all/telemetry';
import { prepareProblemRouting, problemFrameworkErrors } from './framework-errors';
import { instrumentHttp } from './http-metrics';
import { withGrpcServerMetrics } from './grpc-options';
import { InternalListener, separateListeners } from './internal-listener';
import { acceptRawBodies } from './raw-body';
import { acceptStreamedBodies } from './streamed-body';
import type { FastifyInstance } from 'fastify';
import { rawSecurityHeaders, securityHeaderOptions } from './security-headers';
import { PermanentStartupError, startup, StartupTimeoutError } from './startup';
import { listenWhileStarting } from './startup-server';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

// Accept a caller's X-Request-Id when it is sane, otherwise mint one. Fastify stores it as the
// request id, which the request logger reuses, so the log and the response header agree.
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export interface RunServiceOptions {
  module: Type | DynamicModule;
  service: ServiceConfig;
  grpc?: GrpcOptions;
  /** Enables @RawBody() routes, whose bodies may be this large (webhook signatures cover the exact bytes). */
  rawBodyLimitBytes?: number;
  /** Leaves octet-stream bodies unread for the route to stream (streamed-body.ts). */
  streamedBodies?: boolean;
  /** Runs on the Fastify instance before the routes are registered (plugins such as @fastify/reply-from). */
  configureHttp?: (fastify: FastifyInstance) => Promise<void>;
}

// Bootstrap shared by all seven apps: Fastify, pino as the Nest logger, HTTP metrics, security
// headers, optional gRPC server (and its metrics), and a SIGTERM that finishes in-flight work but
// never takes longer than SHUTDOWN_TIMEOUT_MS. Two listeners: the public one (the API, only in apps
// that have one) and the internal one (health and metrics, every app). While the modules connect to
// their dependencies (retrying what is not there yet, see startup.ts), the internal port already
// answers /health/live and a /health/ready 503 that names what start-up waits for.
export async function runService(options: RunServiceOptions): Promise<NestFastifyApplication> {
  const { service } = options;
  startup.configure({
    timeoutMs: service.startup.timeoutMs,
    maxDelayMs: service.startup.retryMaxDelayMs,
    logger: pino(pinoOptions(service.name, service.logLevel), logDestination(service.name, service.logShipping)),
  });
  const early = await listenWhileStarting(service, startup);
  try {
    return await createAndListen(options, early);
  } catch (error) {
    await early.close();
    throw error;
  }
}

async function createAndListen(options: RunServiceOptions, early: { close(): Promise<void> }): Promise<NestFastifyApplication> {
  const { service } = options;
  const { http } = service;
  const tls = http?.tls;
  const adapter = new FastifyAdapter({
    // NFR-018: TLS 1.3 minimum; a TLS 1.2-only client fails the handshake.
    ...(tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), minVersion: 'TLSv1.3' as const } } : {}),
    ...(http ? { bodyLimit: http.bodyLimitBytes, trustProxy: http.trustProxy } : {}),
    requestIdHeader: false,
    genReqId: requestId,
    ...problemFrameworkErrors(rawSecurityHeaders(Boolean(tls))),
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, { bufferLogs: true, abortOnError: false });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  const fastify = app.getHttpAdapter().getInstance();
  // First of the onRequest hooks, so that every answer has the headers, 404s and early errors included.
  await app.register(fastifyHelmet, securityHeaderOptions(Boolean(tls)));
  prepareProblemRouting(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // The trace of this request, so a bug report leads straight to it (and to its log lines).
    const traceId = currentTraceId();
    if (traceId) void reply.header('x-trace-id', traceId);
    // Response listeners (the request logger's 'finish' among them) run in the request's trace
    // context, so the "request completed" line carries its trace_id.
    context.bind(context.active(), reply.raw);
    done();
  });
  // Every problem+json body names its trace too (`trace_id`), whoever built it.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    const traceId = reply.getHeader('x-trace-id');
    const type = reply.getHeader('content-type');
    if (typeof payload !== 'string' || typeof traceId !== 'string' || typeof type !== 'string' || !type.startsWith('application/problem+json')) {
      done(null, payload);
      return;
    }
    done(null, withTraceId(payload, traceId));
  });
  separateListeners(fastify);
  instrumentHttp(fastify, service.name);
  const internal = new InternalListener(fastify);
  // Before app.init(), which registers the routes.
  if (options.rawBodyLimitBytes !== undefined) acceptRawBodies(fastify, options.rawBodyLimitBytes);
  if (options.streamedBodies) acceptStreamedBodies(fastify);
  if (options.configureHttp) await options.configureHttp(fastify);
  // Exit 0 once the hooks ran (lets pino flush), rather than re-raising the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log({ signal, message: 'shutting down' });
      setTimeout(() => {
        logger.error({ timeout_ms: service.shutdownTimeoutMs, message: 'shutdown timed out, exiting' });
        process.exit(1);
      }, service.shutdownTimeoutMs).unref();
    });
  }
  if (options.grpc) {
    app.connectMicroservice(withGrpcServerMetrics(options.grpc, service.name), { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  // Bootstrap hooks (consumers joining their groups, ...) run here, still behind the early server.
  await app.init();
  await early.close();
  // The public port first: a /health/ready 200 then means the API is served.
  if (http) await app.listen({ port: http.port, host: http.host });
  await internal.listen(service.internalHttp);
  logger.log({
    http: http ? `${tls ? 'https' : 'http'}://${http.host}:${http.port}` : undefined,
    internal_http: `http://${service.internalHttp.host}:${service.internalHttp.port}`,
    grpc: options.grpc?.options?.url,
    message: `${service.name} ready to serve`,
  });
  return app;
}

/** `runService` for a main.ts: a failed start logs one fatal line and exits 1. */
export function startService(options: RunServiceOptions): void {
  runService(options).catch((error: unknown) => {
    // A permanent or timed-out start-up step names its dependency: the one line an operator needs.
    const step = error instanceof PermanentStartupError || error instanceof StartupTimeoutError ? { dependency: error.dependency, step: error.step } : {};
    const line = { level: 'fatal', timestamp: new Date().toISOString(), service: options.service.name, message: `start-up failed: ${(error as Error).message ?? String(error)}`, ...step, error: String(error), stack: (error as Error).stack };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  });
}

function withTraceId(body: string, traceId: string): string {
  try {
    const problem = JSON.parse(body) as unknown;
    if (typeof problem !== 'object' || problem === null || Array.isArray(problem)) return body;
    return JSON.stringify({ ...problem, trace_id: traceId });
  } catch {
    return body;
  }
}
