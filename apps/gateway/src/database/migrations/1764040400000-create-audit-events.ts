import { createAuditEventsTable } from '@chat4all/audit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvents1764040400000 implements MigrationInterface {
  name = 'CreateAuditEvents1764040400000';

  async up(q: QueryRunner): Promise<void> {
    await createAuditEventsTable(q, 'gateway');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."audit_events"`);
  }
}
