import type { MigrationInterface, QueryRunner } from 'typeorm';

// conversation_members.delivered_seq was never written: nothing in the system can move it (the
// WebSocket ack frame that would is not built), so it always read 0. Delivery state is the worker's
// (message_worker.deliveries). The horizon check keeps its read_seq half.
export class DropMemberDeliveredSeq1764040900000 implements MigrationInterface {
  name = 'DropMemberDeliveredSeq1764040900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."conversation_members" DROP CONSTRAINT "CHK_conversation_members_horizons"`);
    await q.query(`ALTER TABLE "gateway"."conversation_members" DROP COLUMN "delivered_seq"`);
    await q.query(`ALTER TABLE "gateway"."conversation_members" ADD CONSTRAINT "CHK_conversation_members_read_seq" CHECK ("read_seq" >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."conversation_members" DROP CONSTRAINT "CHK_conversation_members_read_seq"`);
    await q.query(`ALTER TABLE "gateway"."conversation_members" ADD "delivered_seq" bigint NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "gateway"."conversation_members" ADD CONSTRAINT "CHK_conversation_members_horizons" CHECK ("delivered_seq" >= 0 AND "read_seq" >= 0)`);
  }
}
