import type { MigrationInterface, QueryRunner } from 'typeorm';

// Whether the outcome's status event reached Kafka: a redelivered outbound event then needs nothing
// (before, every redelivery published its SENT again, which a replay of the topic turns into a flood).
export class SentMessagesStatusPublished1764040900000 implements MigrationInterface {
  name = 'SentMessagesStatusPublished1764040900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connectors"."sent_messages" ADD "status_published" boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "connectors"."sent_messages" DROP COLUMN "status_published"`);
  }
}
