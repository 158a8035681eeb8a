import type { QueryRunner } from 'typeorm';

// The audit_events table in an app's own schema; each owning app's migration calls this once.
// Migrations that ran must not change: evolve the table with new migrations, never by editing this.
export async function createAuditEventsTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(
    `CREATE TABLE "${schema}"."audit_events" (
      "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
      "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "type" text NOT NULL,
      "outcome" text NOT NULL,
      "client_id" text,
      "user_id" uuid,
      "remote_ip" text,
      "details" jsonb NOT NULL DEFAULT '{}',
      CONSTRAINT "PK_audit_events" PRIMARY KEY ("id")
    )`,
  );
  await q.query(`CREATE INDEX "IDX_audit_events_type_time" ON "${schema}"."audit_events" ("type", "occurred_at")`);
}
