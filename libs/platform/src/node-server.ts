import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';

export type Server = HttpServer | HttpsServer;

export interface ListenAddress {
  host: string;
  port: number;
}

/** Starts listening; a port already taken rejects (EADDRINUSE) instead of throwing out of band. */
export function listenOn(server: Server, { host, port }: ListenAddress): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops listening and drops kept-alive connections (a prober's), so the port is free at once. */
export function closeNow(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
