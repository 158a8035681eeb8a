import type { MigrationInterface, QueryRunner } from 'typeorm';

// Every change to what the revocation list reads (a user or client disabled or re-enabled, a
// refresh-token family revoked) notifies REVOCATIONS_CHANNEL when its transaction commits, whoever
// wrote it (the API, the admin CLI, SQL by hand): auth pushes that to verifiers (WatchRevocations).
// Rare writes, so the notification may sit inside the transaction; PostgreSQL folds duplicates.
export class NotifyRevocations1765000000000 implements MigrationInterface {
  name = 'NotifyRevocations1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION "auth"."notify_revocation"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('chat4all_revocations', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of ['users', 'api_clients']) {
      await q.query(`CREATE TRIGGER "notify_revocation" AFTER UPDATE OF "disabled_at" ON "auth"."${table}"
        FOR EACH ROW WHEN (NEW."disabled_at" IS DISTINCT FROM OLD."disabled_at") EXECUTE FUNCTION "auth"."notify_revocation"()`);
    }
    await q.query(`CREATE TRIGGER "notify_revocation" AFTER UPDATE OF "revoked_at" ON "auth"."refresh_tokens"
      FOR EACH ROW WHEN (NEW."revoked_at" IS DISTINCT FROM OLD."revoked_at") EXECUTE FUNCTION "auth"."notify_revocation"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['users', 'api_clients', 'refresh_tokens']) await q.query(`DROP TRIGGER "notify_revocation" ON "auth"."${table}"`);
    await q.query(`DROP FUNCTION "auth"."notify_revocation"()`);
  }
}
