import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

export interface AuditRecord {
  /** e.g. token_issued, client_auth_failed, refresh_reuse_detected, token_revoked, rate_limited */
  type: string;
  outcome: 'success' | 'failure';
  clientId?: string | null;
  userId?: string | null;
  remoteIp?: string | null;
  details?: Record<string, unknown>;
}

// Every security event is both a JSON log line marked `audit: true` (for the log pipeline) and a
// row in the app's own audit_events table (queryable), NFR-022. A failed insert never fails the
// request that caused it: the log line still carries the event.
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');

  constructor(private readonly dataSource: DataSource) {}

  async record(event: AuditRecord): Promise<void> {
    this.logger.log({ audit: true, ...event, message: `audit ${event.type}` });
    try {
      const repo = this.dataSource.getRepository(AuditEvent);
      await repo.save(
        repo.create({
          type: event.type,
          outcome: event.outcome,
          clientId: event.clientId ?? null,
          userId: event.userId ?? null,
          remoteIp: event.remoteIp ?? null,
          details: event.details ?? {},
        }),
      );
    } catch (error) {
      this.logger.error({ audit: true, err: error, message: 'audit record not stored' });
    }
  }
}
