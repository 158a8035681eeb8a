import type { MigrationInterface, QueryRunner } from 'typeorm';

// Delivery status moves to message-worker, its owner (ARCHITECTURE §1): gateway's message rows become
// immutable. Conversations sort by last activity (creation or last message), never null. Adds the
// Idempotency-Key store (NFR-016).
export class DeliveryStateToWorkerAndIdempotencyKeys1764040600000 implements MigrationInterface {
  name = 'DeliveryStateToWorkerAndIdempotencyKeys1764040600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."message_status_history"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP CONSTRAINT "CHK_messages_status"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP COLUMN "status"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP COLUMN "failure_reason"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP COLUMN "updated_at"`);
    await q.query(`DROP INDEX "gateway"."IDX_conversations_last_message_at"`);
    await q.query(`ALTER TABLE "gateway"."conversations" RENAME COLUMN "last_message_at" TO "last_activity_at"`);
    await q.query(`UPDATE "gateway"."conversations" SET "last_activity_at" = "created_at" WHERE "last_activity_at" IS NULL`);
    await q.query(`ALTER TABLE "gateway"."conversations" ALTER COLUMN "last_activity_at" SET NOT NULL`);
    await q.query(`ALTER TABLE "gateway"."conversations" ALTER COLUMN "last_activity_at" SET DEFAULT now()`);
    await q.query(
      `CREATE TABLE "gateway"."idempotency_keys" ("user_id" uuid NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "status_code" integer, "response_headers" jsonb, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_idempotency_keys" PRIMARY KEY ("user_id", "key"))`,
    );
    await q.query(`CREATE INDEX "IDX_idempotency_keys_expires_at" ON "gateway"."idempotency_keys" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."idempotency_keys"`);
    await q.query(`ALTER TABLE "gateway"."conversations" ALTER COLUMN "last_activity_at" DROP DEFAULT`);
    await q.query(`ALTER TABLE "gateway"."conversations" ALTER COLUMN "last_activity_at" DROP NOT NULL`);
    await q.query(`ALTER TABLE "gateway"."conversations" RENAME COLUMN "last_activity_at" TO "last_message_at"`);
    await q.query(`CREATE INDEX "IDX_conversations_last_message_at" ON "gateway"."conversations" ("last_message_at")`);
    await q.query(`ALTER TABLE "gateway"."messages" ADD "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE "gateway"."messages" ADD "failure_reason" text`);
    await q.query(`ALTER TABLE "gateway"."messages" ADD "status" text NOT NULL DEFAULT 'ACCEPTED'`);
    await q.query(`ALTER TABLE "gateway"."messages" ADD CONSTRAINT "CHK_messages_status" CHECK ("status" IN ('ACCEPTED', 'SENT', 'DELIVERED', 'READ', 'FAILED'))`);
    await q.query(
      `CREATE TABLE "gateway"."message_status_history" ("message_id" uuid NOT NULL, "status" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_message_status_history" PRIMARY KEY ("message_id", "status"))`,
    );
  }
}
