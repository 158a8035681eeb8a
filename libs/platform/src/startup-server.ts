import type { ServiceConfig } from '@chat4all/config';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { INTERNAL_ROUTES } from './internal-listener';
import { closeNow, listenOn, type Server } from './node-server';
import { PlatformProblems, problemTypeUri } from '@chat4all/contracts';
import { rawSecurityHeaders } from './security-headers';
import type { StartupProgress } from './startup';

export const SERVICE_STARTING_TYPE = problemTypeUri(PlatformProblems.serviceStarting);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * What the app's ports answer while start-up still waits for its dependencies (before the Nest app
 * exists). The internal port: `/health/live` 200, since the process is alive and must not be restarted
 * for waiting; `/health/ready` 503 naming every step it waits for; `/metrics` a 503 problem with
 * Retry-After. The public port: that 503 problem for the API, 404 for the internal routes, as once
 * started. Both close just before the app itself listens on the same ports.
 */
export async function listenWhileStarting(service: ServiceConfig, progress: StartupProgress): Promise<{ close(): Promise<void> }> {
  const { http } = service;
  const securityHeaders = rawSecurityHeaders(Boolean(http?.tls));
  const respond = (handle: (path: string, send: Send, req: IncomingMessage) => void): Handler => (req, res) => {
    securityHeaders(req, res);
    const send: Send = (status, contentType, body, headers = {}) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    handle((req.url ?? '/').split('?')[0], send, req);
  };
  const starting = (send: Send) => {
    const waitingFor = progress.waitingFor();
    const detail = waitingFor.length > 0 ? `waiting for ${waitingFor.map((w) => `${w.dependency} (${w.step})`).join(', ')}` : 'starting';
    send(503, 'application/problem+json', { type: SERVICE_STARTING_TYPE, title: PlatformProblems.serviceStarting.title, status: 503, detail }, { 'retry-after': '1' });
  };
  const notFound = (send: Send, req: IncomingMessage, path: string) =>
    send(404, 'application/problem+json', { type: problemTypeUri(PlatformProblems.notFound), title: PlatformProblems.notFound.title, status: 404, detail: `Cannot ${req.method} ${path}`, instance: req.url });

  const internal = createHttpServer(
    respond((path, send, req) => {
      if (path === '/health/live') return send(200, 'application/json', { status: 'ok' });
      if (path === '/health/ready') return send(503, 'application/json', { status: 'starting', waiting_for: progress.waitingFor() });
      if (INTERNAL_ROUTES.has(path)) return starting(send);
      notFound(send, req, path);
    }),
  );
  const servers: Server[] = [internal];
  await listenOn(internal, service.internalHttp);
  try {
    if (http) {
      const api = respond((path, send, req) => (INTERNAL_ROUTES.has(path) ? notFound(send, req, path) : starting(send)));
      const server = http.tls ? createHttpsServer({ cert: readFileSync(http.tls.certFile), key: readFileSync(http.tls.keyFile), minVersion: 'TLSv1.3' }, api) : createHttpServer(api);
      servers.push(server);
      await listenOn(server, http);
    }
  } catch (error) {
    await closeNow(internal);
    throw error;
  }
  return { close: async () => void (await Promise.all(servers.map((s) => closeNow(s)))) };
}

type Send = (status: number, contentType: string, body: unknown, headers?: Record<string, string>) => void;
