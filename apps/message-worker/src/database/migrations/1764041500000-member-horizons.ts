import type { MigrationInterface, QueryRunner } from 'typeorm';

// read_horizons becomes member_horizons: next to each member's read horizon, their delivery horizon
// (conversations.delivered, from the WebSocket ack). Reading implies having received.
export class MemberHorizons1764041500000 implements MigrationInterface {
  name = 'MemberHorizons1764041500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "message_worker"."read_horizons" RENAME TO "member_horizons"`);
    await q.query(`ALTER TABLE "message_worker"."member_horizons" RENAME CONSTRAINT "PK_read_horizons" TO "PK_member_horizons"`);
    await q.query(`ALTER TABLE "message_worker"."member_horizons" ALTER COLUMN "read_seq" SET DEFAULT '0'`);
    await q.query(`ALTER TABLE "message_worker"."member_horizons" ADD "delivered_seq" bigint NOT NULL DEFAULT '0'`);
    await q.query(`UPDATE "message_worker"."member_horizons" SET "delivered_seq" = "read_seq"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "message_worker"."member_horizons" DROP COLUMN "delivered_seq"`);
    await q.query(`ALTER TABLE "message_worker"."member_horizons" ALTER COLUMN "read_seq" DROP DEFAULT`);
    await q.query(`ALTER TABLE "message_worker"."member_horizons" RENAME CONSTRAINT "PK_member_horizons" TO "PK_read_horizons"`);
    await q.query(`ALTER TABLE "message_worker"."member_horizons" RENAME TO "read_horizons"`);
  }
}
