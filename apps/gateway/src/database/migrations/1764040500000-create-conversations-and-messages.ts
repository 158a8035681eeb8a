import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated from the entities (TypeORM schema builder), constraint names made readable.
export class CreateConversationsAndMessages1764040500000 implements MigrationInterface {
  name = 'CreateConversationsAndMessages1764040500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "gateway"."conversations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" text NOT NULL, "channel" text NOT NULL DEFAULT 'internal', "external_contact" text, "title" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seq" bigint NOT NULL DEFAULT '0', "last_message_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_conversations_last_seq" CHECK ("last_seq" >= 0), CONSTRAINT "CHK_conversations_type" CHECK ("type" IN ('private', 'group')), CONSTRAINT "PK_conversations" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_conversations_last_message_at" ON "gateway"."conversations" ("last_message_at")`);
    await q.query(
      `CREATE TABLE "gateway"."conversation_members" ("conversation_id" uuid NOT NULL, "user_id" uuid NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_seq" bigint NOT NULL DEFAULT '0', "read_seq" bigint NOT NULL DEFAULT '0', CONSTRAINT "CHK_conversation_members_horizons" CHECK ("delivered_seq" >= 0 AND "read_seq" >= 0), CONSTRAINT "PK_conversation_members" PRIMARY KEY ("conversation_id", "user_id"))`,
    );
    await q.query(`CREATE INDEX "IDX_conversation_members_user" ON "gateway"."conversation_members" ("user_id")`);
    await q.query(
      `CREATE TABLE "gateway"."messages" ("id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "seq" bigint NOT NULL, "sender_id" uuid NOT NULL, "payload" jsonb NOT NULL, "request_hash" text NOT NULL, "status" text NOT NULL DEFAULT 'ACCEPTED', "failure_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_messages_conversation_seq" UNIQUE ("conversation_id", "seq"), CONSTRAINT "CHK_messages_seq" CHECK ("seq" > 0), CONSTRAINT "CHK_messages_status" CHECK ("status" IN ('ACCEPTED', 'SENT', 'DELIVERED', 'READ', 'FAILED')), CONSTRAINT "PK_messages" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_messages_sender" ON "gateway"."messages" ("sender_id")`);
    await q.query(
      `CREATE TABLE "gateway"."message_status_history" ("message_id" uuid NOT NULL, "status" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_message_status_history" PRIMARY KEY ("message_id", "status"))`,
    );
    await q.query(`ALTER TABLE "gateway"."outbox_events" ADD "bucket" smallint NOT NULL DEFAULT '0'`);
    await q.query(`CREATE INDEX "IDX_outbox_events_bucket_unpublished" ON "gateway"."outbox_events" ("bucket", "id") WHERE "published_at" IS NULL`);
    await q.query(
      `ALTER TABLE "gateway"."conversation_members" ADD CONSTRAINT "FK_conversation_members_conversation" FOREIGN KEY ("conversation_id") REFERENCES "gateway"."conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "gateway"."messages" ADD CONSTRAINT "FK_messages_conversation" FOREIGN KEY ("conversation_id") REFERENCES "gateway"."conversations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "gateway"."message_status_history" ADD CONSTRAINT "FK_message_status_history_message" FOREIGN KEY ("message_id") REFERENCES "gateway"."messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."message_status_history"`);
    await q.query(`DROP TABLE "gateway"."messages"`);
    await q.query(`DROP TABLE "gateway"."conversation_members"`);
    await q.query(`DROP TABLE "gateway"."conversations"`);
    await q.query(`DROP INDEX "gateway"."IDX_outbox_events_bucket_unpublished"`);
    await q.query(`ALTER TABLE "gateway"."outbox_events" DROP COLUMN "bucket"`);
  }
}
