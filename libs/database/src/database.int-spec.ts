import { stackEnv } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createDataSource } from './data-source.factory';
import { runMigrations } from './migrations';

describe('database (real PostgreSQL)', () => {
  const config = stackEnv().database;
  const schema = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  class CreateNotes1700000000000 implements MigrationInterface {
    name = 'CreateNotes1700000000000';
    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE TABLE "${schema}"."notes" ("id" uuid PRIMARY KEY, "body" text NOT NULL)`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}"."notes"`);
    }
  }

  const open = () =>
    createDataSource(config, { schema, applicationName: 'test', entities: [], migrations: [CreateNotes1700000000000] }).initialize();
  let ds: DataSource;

  beforeAll(async () => {
    ds = await open();
  });

  afterAll(async () => {
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  });

  it('applies migrations once even when two runners race', async () => {
    const other = await open();
    try {
      const results = await Promise.all([runMigrations(ds, schema), runMigrations(other, schema)]);
      expect(results.flatMap((r) => r.applied)).toEqual(['CreateNotes1700000000000']);
      const rows = await ds.query<{ name: string }[]>(`SELECT name FROM "${schema}"."migrations"`);
      expect(rows.map((r) => r.name)).toEqual(['CreateNotes1700000000000']);
    } finally {
      await other.destroy();
    }
  });

  it('commits a transaction as a whole and rolls one back as a whole', async () => {
    const kept = [randomUUID(), randomUUID()];
    await ds.transaction(async (tx) => {
      for (const id of kept) await tx.query(`INSERT INTO "${schema}"."notes" VALUES ($1, 'kept')`, [id]);
    });
    const lost = randomUUID();
    await expect(
      ds.transaction(async (tx) => {
        await tx.query(`INSERT INTO "${schema}"."notes" VALUES ($1, 'lost')`, [lost]);
        // Same primary key twice: the whole transaction must go.
        await tx.query(`INSERT INTO "${schema}"."notes" VALUES ($1, 'dup')`, [lost]);
      }),
    ).rejects.toThrow(/duplicate key/);
    const rows = await ds.query<{ id: string }[]>(`SELECT id FROM "${schema}"."notes" ORDER BY body`);
    expect(rows.map((r) => r.id).sort()).toEqual([...kept].sort());
  });
});
