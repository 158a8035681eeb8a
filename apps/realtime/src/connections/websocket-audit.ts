import { Logger } from '@nestjs/common';

// Security events (NFR-022) of the WebSocket: refused upgrades and limits. Realtime keeps no
// database, so the audit store is the log pipeline.
export class WebSocketAudit {
  private readonly logger = new Logger(WebSocketAudit.name);

  refused(type: string, ip: string | undefined, details: Record<string, unknown>): void {
    this.logger.warn({ audit: true, type, outcome: 'failure', remote_ip: ip, ...details, message: `audit ${type}` });
  }
}
