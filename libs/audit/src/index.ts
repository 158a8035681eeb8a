export { AuditEvent } from './audit-event.entity';
export { AuditLog } from './audit-log';
export type { AuditRecord } from './audit-log';
export { createAuditEventsTable } from './audit-events.migration';
