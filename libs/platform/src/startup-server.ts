import type { ServiceConfig } from '@chat4all/config';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { PlatformProblems, problemTypeUri } from './problem-types';
import type { StartupProgress } from './startup';

export const SERVICE_STARTING_TYPE = problemTypeUri(PlatformProblems.serviceStarting);

/**
 * What the app's port answers while start-up still waits for its dependencies (before the Nest app
 * exists): `/health/live` 200, since the process is alive and must not be restarted for waiting;
 * `/health/ready` 503 naming every step it waits for; anything else a 503 problem with Retry-After.
 * Closed just before the app itself listens on the same port.
 */
export async function listenWhileStarting(service: ServiceConfig, progress: StartupProgress): Promise<{ close(): Promise<void> }> {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, contentType: string, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === '/health/live') return send(200, 'application/json', { status: 'ok' });
    const waitingFor = progress.waitingFor();
    if (path === '/health/ready') return send(503, 'application/json', { status: 'starting', waiting_for: waitingFor });
    const detail = waitingFor.length > 0 ? `waiting for ${waitingFor.map((w) => `${w.dependency} (${w.step})`).join(', ')}` : 'starting';
    send(503, 'application/problem+json', { type: SERVICE_STARTING_TYPE, title: PlatformProblems.serviceStarting.title, status: 503, detail }, { 'retry-after': '1' });
  };
  const { tls } = service.http;
  const server: Server = tls
    ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), minVersion: 'TLSv1.3' }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(service.http.port, service.http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
