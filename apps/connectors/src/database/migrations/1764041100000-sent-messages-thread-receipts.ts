import type { MigrationInterface, QueryRunner } from 'typeorm';

// Thread receipts (Messenger's watermarks, Instagram's "seen up to") are expanded from sent_messages,
// which every instance shares: when each send began (a watermark covers messages sent before it) and
// the furthest status a thread receipt already reported (so a repeated watermark publishes nothing).
export class SentMessagesThreadReceipts1764041100000 implements MigrationInterface {
  name = 'SentMessagesThreadReceipts1764041100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connectors"."sent_messages" ADD "send_started_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`UPDATE "connectors"."sent_messages" SET "send_started_at" = "finished_at"`);
    await q.query(`ALTER TABLE "connectors"."sent_messages" ALTER COLUMN "send_started_at" SET NOT NULL`);
    await q.query(`ALTER TABLE "connectors"."sent_messages" ADD "thread_status" text`);
    await q.query(`ALTER TABLE "connectors"."sent_messages" ADD CONSTRAINT "CHK_sent_messages_thread_status" CHECK ("thread_status" IN ('DELIVERED', 'READ'))`);
    await q.query(`CREATE INDEX "IDX_sent_messages_thread" ON "connectors"."sent_messages" ("channel", "external_contact", "send_started_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "connectors"."IDX_sent_messages_thread"`);
    await q.query(`ALTER TABLE "connectors"."sent_messages" DROP CONSTRAINT "CHK_sent_messages_thread_status"`);
    await q.query(`ALTER TABLE "connectors"."sent_messages" DROP COLUMN "thread_status"`);
    await q.query(`ALTER TABLE "connectors"."sent_messages" DROP COLUMN "send_started_at"`);
  }
}
