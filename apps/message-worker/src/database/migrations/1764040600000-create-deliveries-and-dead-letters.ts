import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated from the entities (TypeORM schema builder), constraint names made readable.
export class CreateDeliveriesAndDeadLetters1764040600000 implements MigrationInterface {
  name = 'CreateDeliveriesAndDeadLetters1764040600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "message_worker"."deliveries" ("message_id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "seq" bigint NOT NULL, "sender_id" uuid NOT NULL, "channel" text NOT NULL, "status" text NOT NULL, "failure_reason" text, "provider_message_id" text, "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processing_order" BIGSERIAL NOT NULL, CONSTRAINT "UQ_deliveries_conversation_seq" UNIQUE ("conversation_id", "seq"), CONSTRAINT "CHK_deliveries_status" CHECK ("status" IN ('ACCEPTED', 'SENT', 'DELIVERED', 'READ', 'FAILED')), CONSTRAINT "PK_deliveries" PRIMARY KEY ("message_id"))`,
    );
    await q.query(`CREATE INDEX "IDX_deliveries_processing_order" ON "message_worker"."deliveries" ("processing_order")`);
    await q.query(
      `CREATE TABLE "message_worker"."delivery_status_history" ("message_id" uuid NOT NULL, "status" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_delivery_status_history" PRIMARY KEY ("message_id", "status"))`,
    );
    await q.query(
      `ALTER TABLE "message_worker"."delivery_status_history" ADD CONSTRAINT "FK_delivery_status_history_delivery" FOREIGN KEY ("message_id") REFERENCES "message_worker"."deliveries"("message_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE TABLE "message_worker"."dead_letters" ("id" BIGSERIAL NOT NULL, "event_id" uuid, "source_topic" text NOT NULL, "source_partition" integer NOT NULL, "source_offset" bigint NOT NULL, "record_key" text, "value" text NOT NULL, "headers" jsonb NOT NULL, "reason" text NOT NULL, "attempts" integer NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "replayed_at" TIMESTAMP WITH TIME ZONE, "replayed_by" text, CONSTRAINT "UQ_dead_letters_source" UNIQUE ("source_topic", "source_partition", "source_offset"), CONSTRAINT "PK_dead_letters" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "message_worker"."read_horizons" ("conversation_id" uuid NOT NULL, "user_id" uuid NOT NULL, "read_seq" bigint NOT NULL, CONSTRAINT "PK_read_horizons" PRIMARY KEY ("conversation_id", "user_id"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "message_worker"."read_horizons"`);
    await q.query(`DROP TABLE "message_worker"."dead_letters"`);
    await q.query(`DROP TABLE "message_worker"."delivery_status_history"`);
    await q.query(`DROP TABLE "message_worker"."deliveries"`);
  }
}
