import { createAuditEventsTable } from '@chat4all/audit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSentMessages1764040800000 implements MigrationInterface {
  name = 'CreateSentMessages1764040800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "connectors"."sent_messages" ("message_id" uuid NOT NULL, "channel" text NOT NULL, "conversation_id" uuid NOT NULL, "external_contact" text NOT NULL, "outcome" text NOT NULL, "provider_message_id" text, "failure_reason" text, "attempts" integer NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_sent_messages_outcome" CHECK ("outcome" IN ('sent', 'failed')), CONSTRAINT "PK_sent_messages" PRIMARY KEY ("message_id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_sent_messages_provider_message" ON "connectors"."sent_messages" ("channel", "provider_message_id") WHERE "provider_message_id" IS NOT NULL`,
    );
    await createAuditEventsTable(q, 'connectors');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "connectors"."audit_events"`);
    await q.query(`DROP TABLE "connectors"."sent_messages"`);
  }
}
