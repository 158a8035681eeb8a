import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOutboxEvents1764040100000 implements MigrationInterface {
  name = 'CreateOutboxEvents1764040100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "gateway"`);
    await q.query(
      `CREATE TABLE "gateway"."outbox_events" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "event_id" uuid NOT NULL,
        "topic" text NOT NULL,
        "partition_key" text NOT NULL,
        "event_type" text NOT NULL,
        "envelope" jsonb NOT NULL,
        "headers" jsonb NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "published_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_outbox_events" PRIMARY KEY ("id")
      )`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_outbox_events_event_id" ON "gateway"."outbox_events" ("event_id")`);
    await q.query(
      `CREATE INDEX "IDX_outbox_events_unpublished" ON "gateway"."outbox_events" ("id") WHERE "published_at" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."outbox_events"`);
  }
}
