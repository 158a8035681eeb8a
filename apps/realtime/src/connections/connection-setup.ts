import type { Principal } from '@chat4all/auth-guard';
import { CloseCodes, ServerFrames } from '@chat4all/contracts';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { ClientConnection } from './client-connection';
import type { ConnectionAuth } from './connection-auth';
import type { ConnectionHub } from './connection-hub';
import type { ConnectionLimits } from './connection-limits';

export interface FrameReceiver {
  receive(connection: ClientConnection, data: RawData, ip: string | undefined): Promise<void>;
}

// The life of an accepted socket: it takes a connection place (limits), follows all of its user's
// conversations, starts its token's clock (auth), gets `ready` (with when that clock ends), hands
// its frames to the router, and gives all of it back when it closes.
export class ConnectionSetup {
  private readonly logger = new Logger(ConnectionSetup.name);

  constructor(
    private readonly hub: Pick<ConnectionHub, 'add' | 'remove'>,
    private readonly limits: Pick<ConnectionLimits, 'admit' | 'release'>,
    private readonly frames: FrameReceiver,
    private readonly auth: Pick<ConnectionAuth, 'watch' | 'forget'>,
    private readonly heartbeatMs: number,
  ) {}

  async open(ws: WebSocket, principal: Principal, ip: string | undefined): Promise<void> {
    const connection = new ClientConnection(randomUUID(), principal.userId, ws);
    if (!(await this.limits.admit(connection, ip))) return;
    ws.on('pong', () => (connection.lastSeenAt = Date.now()));
    ws.on('message', (data: RawData) => void this.frames.receive(connection, data, ip));
    ws.on('close', () => this.forget(connection));
    ws.on('error', () => ws.terminate());
    try {
      await this.hub.add(connection);
    } catch (error) {
      this.logger.warn({ err: error, user_id: principal.userId, message: 'could not load the conversations to follow' });
      ws.close(CloseCodes.internalError, 'try again');
    }
    // The socket may have closed while its place was claimed or its conversations loaded: its close
    // event then came before the connection was in the hub (or before there was a listener), and
    // it would stay counted against the user's limit, refreshed by every heartbeat, until timeout.
    if (ws.readyState !== WebSocket.OPEN) {
      this.forget(connection);
      return;
    }
    connection.send(ServerFrames.ready(connection.id, this.heartbeatMs, this.auth.watch(connection, principal)));
  }

  private forget(connection: ClientConnection): void {
    this.auth.forget(connection);
    this.limits.release(connection);
    void this.hub.remove(connection);
  }
}
