import fastifyHelmet from '@fastify/helmet';
import fastifyHttpProxy from '@fastify/http-proxy';
import fastifyStatic from '@fastify/static';
import { pinoOptions } from '@chat4all/telemetry';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerBase,
  type RouteGenericInterface,
} from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { ClientOptions } from 'ws';
import type { WebChatConfig } from './config';
import { pageSecurityHeaders } from './security-headers';

/** Prefixes served by the gateway; everything else that is not a file is the page (SPA fallback). */
const GATEWAY_PREFIXES = ['/auth', '/v1', '/.well-known'] as const;
const REALTIME_PREFIX = '/ws';
const PROXIED = [...GATEWAY_PREFIXES, REALTIME_PREFIX, '/health'];

/**
 * The web chat's one listener: the built page (publicDir), and a same-origin proxy to the gateway
 * (REST, OAuth) and to realtime (WebSocket), so the browser talks to this origin only and the page's
 * CSP can say 'self'. The path only is logged, never the query: /ws?token= carries an access token.
 */
export async function buildServer(config: WebChatConfig, publicDir: string): Promise<FastifyInstance> {
  const ca = config.upstreamCaFile ? readFileSync(config.upstreamCaFile) : undefined;
  const app = Fastify({
    logger: {
      ...pinoOptions(config.name, config.logLevel),
      serializers: { req: (req: FastifyRequest) => ({ method: req.method, path: pathOf(req.url), remote: req.ip }) },
    },
    trustProxy: config.trustProxy,
    ...(config.tls
      ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile), minVersion: 'TLSv1.3' as const } }
      : {}),
  });
  await app.register(fastifyHelmet, pageSecurityHeaders(Boolean(config.tls)));

  app.get('/health/live', () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const checks = {
      page: existsSync(join(publicDir, 'index.html')),
      gateway: await answers(config.gatewayUrl, ca, config.upstreamCheckTimeoutMs),
      realtime: await answers(config.realtimeUrl.replace(/^ws/, 'http'), ca, config.upstreamCheckTimeoutMs),
    };
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'waiting', checks });
  });

  // The gateway sees the browser's address (its per-IP limits on /auth/token) when it trusts this
  // proxy (HTTP_TRUST_PROXY=true there).
  const forwardedFor = (request: FastifyRequest) => ({
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': config.tls ? 'https' : 'http',
    'x-forwarded-host': request.headers.host ?? '',
  });
  for (const prefix of GATEWAY_PREFIXES) {
    await app.register(fastifyHttpProxy, {
      upstream: config.gatewayUrl,
      prefix,
      rewritePrefix: prefix,
      undici: ca ? { connect: { ca } } : {},
      replyOptions: {
        rewriteRequestHeaders: (request, headers) => ({ ...headers, ...forwardedFor(request as FastifyRequest) }),
        onError: (reply, { error }) => upstreamUnavailable(reply, error),
      },
    });
  }
  // rewriteRequestHeaders is honoured for WebSocket upgrades too, though the plugin's types omit it.
  const wsClientOptions: ClientOptions & { rewriteRequestHeaders: (headers: Record<string, string>, request: FastifyRequest) => Record<string, string> } = {
    ...(ca ? { ca } : {}),
    rewriteRequestHeaders: (headers, request) => ({ ...headers, ...forwardedFor(request) }),
  };
  await app.register(fastifyHttpProxy, {
    upstream: config.realtimeUrl.replace(/^ws/, 'http'),
    wsUpstream: config.realtimeUrl,
    prefix: REALTIME_PREFIX,
    rewritePrefix: REALTIME_PREFIX,
    websocket: true,
    undici: ca ? { connect: { ca } } : {},
    wsClientOptions,
  });

  await app.register(fastifyStatic, {
    root: publicDir,
    wildcard: false,
    index: false,
    // Hashed asset names (Vite) never change content; the page itself is revalidated every time.
    setHeaders: (reply, path) => void reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  app.get('/', (_request, reply) => reply.sendFile('index.html'));
  // SPA fallback: a page route the browser navigates to gets the app; a missing asset or API path a 404.
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !PROXIED.some((p) => path === p || path.startsWith(`${p}/`)) && !path.startsWith('/assets/');
    if (isPage && (request.headers.accept ?? '').includes('text/html')) return reply.sendFile('index.html');
    return reply.code(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404 });
  });
  return app;
}

const pathOf = (url: string) => url.split('?', 1)[0];

/** The gateway did not answer: a problem+json 502 the page can show, the cause in the log only. */
type ProxiedReply = FastifyReply<RouteGenericInterface, RawServerBase, RawRequestDefaultExpression<RawServerBase>, RawReplyDefaultExpression<RawServerBase>>;

function upstreamUnavailable(reply: ProxiedReply, error: Error): void {
  reply.log.warn({ err: error, message: 'gateway unreachable' });
  void reply
    .code(502)
    .header('retry-after', '2')
    .type('application/problem+json')
    .send({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'the Chat4All API is unreachable; try again shortly' });
}

/** Whether an upstream answers HTTP at all (any status): the proxy has somewhere to send requests. */
function answers(url: string, ca: Buffer | undefined, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const target = new URL('/', url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'GET', timeout: timeoutMs, ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}
