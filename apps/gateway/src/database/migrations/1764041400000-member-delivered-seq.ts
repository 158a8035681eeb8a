import type { MigrationInterface, QueryRunner } from 'typeorm';

// Each member's delivery horizon: the highest seq their client acknowledged receiving (the WebSocket
// `ack` frame). Reading implies having received, so it starts at the read horizon and never falls
// behind it.
export class MemberDeliveredSeq1764041400000 implements MigrationInterface {
  name = 'MemberDeliveredSeq1764041400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."conversation_members" ADD "delivered_seq" bigint NOT NULL DEFAULT '0'`);
    await q.query(`UPDATE "gateway"."conversation_members" SET "delivered_seq" = "read_seq" WHERE "read_seq" > 0`);
    await q.query(`ALTER TABLE "gateway"."conversation_members" ADD CONSTRAINT "CHK_conversation_members_delivered_seq" CHECK ("delivered_seq" >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."conversation_members" DROP CONSTRAINT "CHK_conversation_members_delivered_seq"`);
    await q.query(`ALTER TABLE "gateway"."conversation_members" DROP COLUMN "delivered_seq"`);
  }
}
