import type { MigrationInterface, QueryRunner } from 'typeorm';

// File messages name their file (issue 12): members of a conversation where a file was sent may
// download it, which the gateway answers from this column.
export class MessageFileId1764041700000 implements MigrationInterface {
  name = 'MessageFileId1764041700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."messages" ADD "file_id" uuid`);
    await q.query(`UPDATE "gateway"."messages" SET "file_id" = ("payload"->>'file_id')::uuid WHERE "payload"->>'type' = 'file'`);
    await q.query(`CREATE INDEX "IDX_messages_file" ON "gateway"."messages" ("file_id", "conversation_id") WHERE "file_id" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "gateway"."IDX_messages_file"`);
    await q.query(`ALTER TABLE "gateway"."messages" DROP COLUMN "file_id"`);
  }
}
