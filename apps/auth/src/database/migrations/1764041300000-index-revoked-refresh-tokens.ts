import type { MigrationInterface, QueryRunner } from 'typeorm';

// The revocation list (auth's ListRevocations) reads the recently revoked refresh-token families on
// every verifier's poll: a partial index keeps that a scan of the few revoked rows.
export class IndexRevokedRefreshTokens1764041300000 implements MigrationInterface {
  name = 'IndexRevokedRefreshTokens1764041300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_refresh_tokens_revoked_at" ON "auth"."refresh_tokens" ("revoked_at") WHERE "revoked_at" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "auth"."IDX_refresh_tokens_revoked_at"`);
  }
}
