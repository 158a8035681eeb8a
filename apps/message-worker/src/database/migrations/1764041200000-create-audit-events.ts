import { createAuditEventsTable } from '@chat4all/audit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

// NFR-022: dead-lettering is a security event, recorded in the app that dead-letters (DeadLetterSink).
export class CreateAuditEvents1764041200000 implements MigrationInterface {
  name = 'CreateAuditEvents1764041200000';

  async up(q: QueryRunner): Promise<void> {
    await createAuditEventsTable(q, 'message_worker');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "message_worker"."audit_events"`);
  }
}
