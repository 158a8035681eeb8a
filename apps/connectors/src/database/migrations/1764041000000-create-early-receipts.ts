import type { MigrationInterface, QueryRunner } from 'typeorm';

// Receipts that reached us before our record of the send they are about (a provider's webhook can
// overtake its own API answer, or our write of it): kept until the send is on record, then published.
export class CreateEarlyReceipts1764041000000 implements MigrationInterface {
  name = 'CreateEarlyReceipts1764041000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "connectors"."early_receipts" ("channel" text NOT NULL, "provider_message_id" text NOT NULL, "status" text NOT NULL, "reason" text, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_early_receipts" PRIMARY KEY ("channel", "provider_message_id", "status"))`,
    );
    await q.query(`CREATE INDEX "IDX_early_receipts_received_at" ON "connectors"."early_receipts" ("received_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "connectors"."early_receipts"`);
  }
}
