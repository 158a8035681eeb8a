import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/** The PostgreSQL channel on which writers tell relays that an outbox table has new rows (payload: schema.table). */
export const OUTBOX_CHANNEL = 'chat4all_outbox';

const TABLES_KEY = 'chat4all.outboxTables';

// Wakes the relays when an outbox transaction commits, so an event leaves in milliseconds instead of
// at the relay's next poll. NOTIFY inside the writing transaction would serialise every commit (it
// takes a database-wide lock from pre-commit to the end of the commit, WAL flush included), so the
// writer sends it after the commit, in a statement of its own, coalesced: per table at most one
// NOTIFY in flight, and one more if commits arrived meanwhile. A lost signal (a connection down) only
// costs latency: the relay's poll stays the safety net.
class CommitSignal implements EntitySubscriberInterface {
  private readonly logger = new Logger('OutboxSignal');
  private readonly inFlight = new Set<string>();
  private readonly again = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  /** Called by OutboxWriter for each row written: signal now (autocommit) or when the transaction commits. */
  written(tx: EntityManager, table: string): void {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) return this.signal(table);
    const data = runner.data as Record<string, Set<string> | undefined>;
    (data[TABLES_KEY] ??= new Set()).add(table);
  }

  // A savepoint's release or rollback leaves the transaction active: only its real end counts.
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    for (const table of takeTables(event.queryRunner) ?? []) this.signal(table);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) takeTables(event.queryRunner);
  }

  private signal(table: string): void {
    if (this.inFlight.has(table)) {
      this.again.add(table);
      return;
    }
    this.inFlight.add(table);
    void this.send(table);
  }

  private async send(table: string): Promise<void> {
    try {
      do {
        this.again.delete(table);
        await this.dataSource.query(`SELECT pg_notify($1, $2)`, [OUTBOX_CHANNEL, table]).catch((err: unknown) => {
          this.logger.debug({ err, table, message: 'outbox signal not sent (the relay polls)' });
        });
      } while (this.again.has(table) && this.dataSource.isInitialized);
    } finally {
      this.inFlight.delete(table);
    }
  }
}

function takeTables(runner: QueryRunner): Set<string> | undefined {
  const data = runner.data as Record<string, Set<string> | undefined>;
  const tables = data[TABLES_KEY];
  delete data[TABLES_KEY];
  return tables;
}

const signals = new WeakMap<DataSource, CommitSignal>();

/** The data source's commit signal, registered as its subscriber on first use (one per data source). */
export function outboxCommitSignal(dataSource: DataSource): CommitSignal {
  let signal = signals.get(dataSource);
  if (!signal) {
    signal = new CommitSignal(dataSource);
    dataSource.subscribers.push(signal);
    signals.set(dataSource, signal);
  }
  return signal;
}
