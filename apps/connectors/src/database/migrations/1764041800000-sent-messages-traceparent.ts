import type { MigrationInterface, QueryRunner } from 'typeorm';

// Each send keeps its W3C traceparent, so the statuses its receipts report are published in the
// message's own trace (a provider's webhook carries none of ours).
export class SentMessagesTraceparent1764041800000 implements MigrationInterface {
  name = 'SentMessagesTraceparent1764041800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connectors"."sent_messages" ADD "traceparent" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connectors"."sent_messages" DROP COLUMN "traceparent"`);
  }
}
