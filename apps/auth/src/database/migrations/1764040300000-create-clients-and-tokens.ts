import { createAuditEventsTable } from '@chat4all/audit';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClientsAndTokens1764040300000 implements MigrationInterface {
  name = 'CreateClientsAndTokens1764040300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "auth"."users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "disabled_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "UQ_users_name" UNIQUE ("name"),
        CONSTRAINT "PK_users" PRIMARY KEY ("id")
      )`,
    );
    await q.query(
      `CREATE TABLE "auth"."api_clients" (
        "client_id" text NOT NULL,
        "user_id" uuid NOT NULL,
        "secret_hash" text NOT NULL,
        "scopes" text array NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "disabled_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_api_clients" PRIMARY KEY ("client_id"),
        CONSTRAINT "FK_api_clients_user" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`,
    );
    await q.query(
      `CREATE TABLE "auth"."refresh_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "token_hash" text NOT NULL,
        "family_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "client_id" text NOT NULL,
        "scope" text NOT NULL,
        "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "consumed_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_refresh_tokens" PRIMARY KEY ("id")
      )`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_refresh_tokens_token_hash" ON "auth"."refresh_tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "IDX_refresh_tokens_family" ON "auth"."refresh_tokens" ("family_id")`);
    await createAuditEventsTable(q, 'auth');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "auth"."audit_events"`);
    await q.query(`DROP TABLE "auth"."refresh_tokens"`);
    await q.query(`DROP TABLE "auth"."api_clients"`);
    await q.query(`DROP TABLE "auth"."users"`);
  }
}
