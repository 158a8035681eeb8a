import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProcessedEvents1764040200000 implements MigrationInterface {
  name = 'CreateProcessedEvents1764040200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS "message_worker"`);
    await q.query(
      `CREATE TABLE "message_worker"."processed_events" (
        "consumer_group" text NOT NULL,
        "event_id" uuid NOT NULL,
        "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_processed_events" PRIMARY KEY ("consumer_group", "event_id")
      )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "message_worker"."processed_events"`);
  }
}
