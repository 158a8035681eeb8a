import type { MigrationInterface, QueryRunner } from 'typeorm';

// outbox_events.published_at was never set: the relay deletes each row in the transaction that
// published it, so every row is unpublished. The two partial indexes on it become one plain index on
// (bucket, id), which is what the relay's claim (WHERE bucket = $1 ORDER BY id) reads.
export class DropOutboxPublishedAt1764040800000 implements MigrationInterface {
  name = 'DropOutboxPublishedAt1764040800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_outbox_events_bucket" ON "gateway"."outbox_events" ("bucket", "id")`);
    await q.query(`DROP INDEX "gateway"."IDX_outbox_events_bucket_unpublished"`);
    await q.query(`DROP INDEX "gateway"."IDX_outbox_events_unpublished"`);
    await q.query(`ALTER TABLE "gateway"."outbox_events" DROP COLUMN "published_at"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."outbox_events" ADD "published_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE INDEX "IDX_outbox_events_unpublished" ON "gateway"."outbox_events" ("id") WHERE "published_at" IS NULL`);
    await q.query(`CREATE INDEX "IDX_outbox_events_bucket_unpublished" ON "gateway"."outbox_events" ("bucket", "id") WHERE "published_at" IS NULL`);
    await q.query(`DROP INDEX "gateway"."IDX_outbox_events_bucket"`);
  }
}
