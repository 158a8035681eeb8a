import { authenticateUpgrade, refuseUpgrade, TokenVerifier } from '@chat4all/auth-guard';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';

const HEARTBEAT_MS = 30_000;
const MAX_FRAME_BYTES = 64 * 1024;

// GET /ws?token=<jwt> (ARCHITECTURE §3b). The token is verified on the upgrade request; only a
// verified caller gets a WebSocket, whose first frame is `ready`. Fan-out, resume and heartbeats
// build on this (issue 6).
@Injectable()
export class WebSocketEndpoint implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebSocketEndpoint.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: TokenVerifier,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head));
  }

  // Going away (1001) with a reconnect hint, so clients resume on another instance.
  beforeApplicationShutdown(): void {
    for (const client of this.wss.clients) client.close(1001, 'server shutting down; reconnect');
    this.wss.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://upgrade').pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    let principal;
    try {
      principal = await authenticateUpgrade(this.verifier, request);
    } catch (error) {
      // Security event (NFR-022); realtime keeps no database, so the audit store is the log pipeline.
      this.logger.warn({ audit: true, type: 'websocket_auth_refused', outcome: 'failure', remote_ip: request.socket.remoteAddress, reason: (error as Error).message, message: 'audit websocket_auth_refused' });
      refuseUpgrade(socket, error);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connectionId = randomUUID();
      this.logger.log({ connection_id: connectionId, user_id: principal.userId, message: 'websocket connected' });
      ws.send(JSON.stringify({ type: 'ready', connection_id: connectionId, heartbeat_ms: HEARTBEAT_MS }));
    });
  }
}
