import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

export interface AuditRecord {
  type: 'token_issued' | 'token_refreshed' | 'client_auth_failed' | 'refresh_rejected' | 'refresh_reuse_detected' | 'token_revoked';
  outcome: 'success' | 'failure';
  clientId?: string | null;
  userId?: string | null;
  remoteIp?: string | null;
  details?: Record<string, unknown>;
}

// Every security event is both a JSON log line marked `audit: true` (for the log pipeline) and a
// row in auth.audit_events (queryable), NFR-022. A failed insert never fails the request.
@Injectable()
export class AuditService {
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
