import { InvalidTokenError, KeysUnavailableError, type Principal, type RevocationList, type TokenVerifier } from '@chat4all/auth-guard';
import { CloseCodes, ServerFrames, UnauthenticatedReasons } from '@chat4all/contracts';
import { Logger } from '@nestjs/common';
import type { ClientConnection } from './client-connection';
import type { WebSocketAudit } from './websocket-audit';

/** setTimeout's largest delay; a socket's deadline further away than this (it never is) is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Session {
  principal: Principal;
  deadline: NodeJS.Timeout;
}

// A socket lives as long as the access token it was opened (or last re-authenticated) with, as an
// HTTP request would be refused after it (NFR-019): at the token's expiry, plus the tolerated clock
// skew, it is closed with 4001 token_expired, unless an `auth` frame brought a fresh token of the
// same user before. When the revocation list gains an entry (a user or client disabled, a session
// revoked), the sockets it covers are closed with 4001 token_revoked at once.
export class ConnectionAuth {
  private readonly logger = new Logger(ConnectionAuth.name);
  private readonly sessions = new Map<ClientConnection, Session>();
  private unsubscribe?: () => void;

  constructor(
    private readonly verifier: Pick<TokenVerifier, 'verify' | 'endOf'>,
    private readonly revocations: Pick<RevocationList, 'isRevoked' | 'onRevoked'>,
    private readonly audit: WebSocketAudit,
  ) {}

  start(): void {
    this.unsubscribe = this.revocations.onRevoked(() => this.closeRevoked());
  }

  stop(): void {
    this.unsubscribe?.();
    for (const session of this.sessions.values()) clearTimeout(session.deadline);
    this.sessions.clear();
  }

  /** Starts (or restarts) the socket's clock from `principal`; returns when it ends. */
  watch(connection: ClientConnection, principal: Principal): Date {
    const previous = this.sessions.get(connection);
    if (previous) clearTimeout(previous.deadline);
    const end = this.verifier.endOf(principal);
    this.sessions.set(connection, { principal, deadline: this.arm(connection, end) });
    return end;
  }

  /** The `auth` frame: a fresh token of the same user moves the deadline; anything else leaves it. */
  async reauthenticate(connection: ClientConnection, token: string): Promise<void> {
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof KeysUnavailableError) {
        connection.send(ServerFrames.authUnavailable());
        return;
      }
      const reason = error instanceof InvalidTokenError ? error.reason : 'token could not be verified';
      this.audit.refused('websocket_reauth_refused', undefined, { user_id: connection.userId, connection_id: connection.id, reason });
      connection.send(ServerFrames.invalidToken(reason));
      return;
    }
    if (principal.userId !== connection.userId) {
      this.audit.refused('websocket_reauth_refused', undefined, { user_id: connection.userId, connection_id: connection.id, reason: 'token of another user' });
      connection.send(ServerFrames.invalidToken('the token belongs to another user than this connection'));
      return;
    }
    if (!this.sessions.has(connection)) return; // closed meanwhile
    connection.send(ServerFrames.authenticated(this.watch(connection, principal)));
  }

  forget(connection: ClientConnection): void {
    const session = this.sessions.get(connection);
    if (session) clearTimeout(session.deadline);
    this.sessions.delete(connection);
  }

  private arm(connection: ClientConnection, end: Date): NodeJS.Timeout {
    const wait = end.getTime() - Date.now();
    if (wait > MAX_TIMER_MS) return setTimeout(() => this.rearm(connection, end), MAX_TIMER_MS).unref();
    return setTimeout(() => this.end(connection, UnauthenticatedReasons.tokenExpired), Math.max(0, wait)).unref();
  }

  private rearm(connection: ClientConnection, end: Date): void {
    const session = this.sessions.get(connection);
    if (session) session.deadline = this.arm(connection, end);
  }

  private closeRevoked(): void {
    for (const [connection, session] of this.sessions) {
      if (this.revocations.isRevoked(session.principal)) this.end(connection, UnauthenticatedReasons.tokenRevoked);
    }
  }

  private end(connection: ClientConnection, reason: string): void {
    this.forget(connection);
    this.logger.log({ user_id: connection.userId, connection_id: connection.id, reason, message: 'socket closed: its access ended' });
    connection.socket.close(CloseCodes.unauthenticated, reason);
  }
}
