import { CloseCodes } from '@chat4all/contracts';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RealtimeConfig } from '../config';
import type { ClientConnection } from './client-connection';
import type { ConnectionRegistry } from './connection-registry';
import type { WebSocketAudit } from './websocket-audit';

type LimitsConfig = Pick<RealtimeConfig['ws'], 'maxConnectionsPerUser' | 'maxFramesPerSecond'>;

// The per-user policy limits (close code 4008, audited): connections per user, held across
// instances by the registry (per instance only while Redis is unreachable), and client frames per
// second per connection. The frame size limit is the ws server's own (1009, see UpgradeGate).
export class ConnectionLimits {
  private readonly frameLimiter: RateLimiterMemory;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly heldHere: (userId: string) => number,
    private readonly audit: WebSocketAudit,
    private readonly config: LimitsConfig,
  ) {
    this.frameLimiter = new RateLimiterMemory({ points: config.maxFramesPerSecond, duration: 1 });
  }

  /** Takes one of the user's connection places, or closes the socket with 4008. */
  async admit(connection: ClientConnection, ip: string | undefined): Promise<boolean> {
    if (await this.registry.claim(connection.userId, connection.id, this.heldHere(connection.userId))) return true;
    this.audit.refused('websocket_connection_limit', ip, { user_id: connection.userId, limit: this.config.maxConnectionsPerUser });
    connection.socket.close(CloseCodes.policy, `at most ${this.config.maxConnectionsPerUser} connections per user`);
    return false;
  }

  release(connection: ClientConnection): void {
    this.registry.release(connection.userId, connection.id);
  }

  /** Counts one client frame, or closes the socket with 4008 when it is one too many this second. */
  async allowFrame(connection: ClientConnection, ip: string | undefined): Promise<boolean> {
    try {
      await this.frameLimiter.consume(connection.id);
      return true;
    } catch {
      this.audit.refused('websocket_frame_rate_limit', ip, { user_id: connection.userId, limit_per_second: this.config.maxFramesPerSecond });
      connection.socket.close(CloseCodes.policy, `at most ${this.config.maxFramesPerSecond} frames per second`);
      return false;
    }
  }
}
