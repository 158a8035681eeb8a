import type { QueryRunner } from 'typeorm';

// The outbox_events table (OutboxEvent) in an app's own schema, for an app that gets an outbox. The
// gateway's was built by its earlier migrations, to the same shape. Migrations that ran must not
// change: evolve the table with new migrations, never by editing this.
export async function createOutboxEventsTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(
    `CREATE TABLE "${schema}"."outbox_events" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "event_id" uuid NOT NULL,
      "topic" text NOT NULL,
      "partition_key" text NOT NULL,
      "bucket" smallint NOT NULL DEFAULT '0',
      "event_type" text NOT NULL,
      "envelope" jsonb NOT NULL,
      "headers" jsonb NOT NULL DEFAULT '{}',
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_outbox_events" PRIMARY KEY ("id")
    )`,
  );
  await q.query(`CREATE UNIQUE INDEX "UQ_outbox_events_event_id" ON "${schema}"."outbox_events" ("event_id")`);
  await q.query(`CREATE INDEX "IDX_outbox_events_bucket" ON "${schema}"."outbox_events" ("bucket", "id")`);
}
