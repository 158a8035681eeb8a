import type { MigrationInterface, QueryRunner } from 'typeorm';

// The latest thread receipt per contact and status, applied to a send recorded after it arrived.
export class CreateThreadReceipts1764042000000 implements MigrationInterface {
  name = 'CreateThreadReceipts1764042000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "connectors"."thread_receipts" ("channel" text NOT NULL, "external_contact" text NOT NULL, "status" text NOT NULL, "sent_by" TIMESTAMP WITH TIME ZONE, "through_provider_message_id" text, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_thread_receipts" PRIMARY KEY ("channel", "external_contact", "status"))`,
    );
    await q.query(`CREATE INDEX "IDX_thread_receipts_received_at" ON "connectors"."thread_receipts" ("received_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "connectors"."thread_receipts"`);
  }
}
