import { authenticateUpgrade, refuseUpgrade, type Principal, type TokenVerifier } from '@chat4all/auth-guard';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WebSocketAudit } from './websocket-audit';

export type OpenSocket = (ws: WebSocket, principal: Principal, ip: string | undefined) => void;

// GET /ws?token=<jwt> (ARCHITECTURE §3b): the HTTP upgrade is where a caller is let in or not. The
// token is verified before the socket opens, so a refused caller never gets a frame; a draining
// instance refuses new sockets so that clients reconnect elsewhere.
export class UpgradeGate {
  private readonly wss: WebSocketServer;
  private accepting = true;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly audit: WebSocketAudit,
    maxFrameBytes: number,
  ) {
    // maxPayload: a larger client frame closes the socket with 1009 (CloseCodes.frameTooLarge).
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  }

  async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, open: OpenSocket): Promise<void> {
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://upgrade').pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!this.accepting) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    let principal: Principal;
    try {
      principal = await authenticateUpgrade(this.verifier, request);
    } catch (error) {
      this.audit.refused('websocket_auth_refused', request.socket.remoteAddress, { reason: (error as Error).message });
      refuseUpgrade(socket, error);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => open(ws, principal, request.socket.remoteAddress));
  }

  /** Drain: new upgrades get 503 with Retry-After from now on. */
  stopAccepting(): void {
    this.accepting = false;
  }

  close(): void {
    this.wss.close();
  }
}
