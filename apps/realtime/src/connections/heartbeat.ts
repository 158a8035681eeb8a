import { Logger } from '@nestjs/common';
import type { ClientConnection } from './client-connection';
import type { ConnectionHub } from './connection-hub';
import type { ConnectionRegistry } from './connection-registry';

// FR-RT-07: every interval, ping everyone and close the connections silent (no pong, no frame) for
// longer than the timeout; the live ones are marked alive in the cross-instance registry.
export class Heartbeat {
  private readonly logger = new Logger(Heartbeat.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly hub: Pick<ConnectionHub, 'all' | 'remove'>,
    private readonly registry: Pick<ConnectionRegistry, 'refresh'>,
    private readonly config: { heartbeatIntervalMs: number; heartbeatTimeoutMs: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.beat(), this.config.heartbeatIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  beat(): void {
    const now = Date.now();
    const alive: ClientConnection[] = [];
    for (const c of this.hub.all()) {
      if (now - c.lastSeenAt > this.config.heartbeatTimeoutMs) {
        this.logger.log({ connection_id: c.id, user_id: c.userId, silent_ms: now - c.lastSeenAt, message: 'closing silent websocket' });
        c.socket.terminate();
        void this.hub.remove(c);
      } else {
        c.socket.ping();
        alive.push(c);
      }
    }
    this.registry.refresh(alive);
  }
}
