import type { MigrationInterface, QueryRunner } from 'typeorm';

// Messages written by external contacts (issue 5): who wrote it, and the provider's id for it, unique
// per channel so a webhook the provider delivers again never makes a second row. Contacts' open
// conversations are found by (channel, external_contact).
export class InboundMessages1764040700000 implements MigrationInterface {
  name = 'InboundMessages1764040700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."messages" ADD "origin" text NOT NULL DEFAULT 'member'`);
    await q.query(`ALTER TABLE "gateway"."messages" ADD "provider_channel" text`);
    await q.query(`ALTER TABLE "gateway"."messages" ADD "provider_message_id" text`);
    await q.query(`ALTER TABLE "gateway"."messages" ADD CONSTRAINT "CHK_messages_origin" CHECK ("origin" IN ('member', 'contact'))`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_messages_provider_message" ON "gateway"."messages" ("provider_channel", "provider_message_id") WHERE "provider_message_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_conversations_external_contact" ON "gateway"."conversations" ("channel", "external_contact") WHERE "external_contact" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "gateway"."IDX_conversations_external_contact"`);
    await q.query(`DROP INDEX "gateway"."UQ_messages_provider_message"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP CONSTRAINT "CHK_messages_origin"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP COLUMN "provider_message_id"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP COLUMN "provider_channel"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP COLUMN "origin"`);
  }
}
