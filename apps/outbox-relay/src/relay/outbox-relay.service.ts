import type { EventEnvelope } from '@chat4all/contracts';
import { OUTBOX_BUCKETS } from '@chat4all/contracts';
import { EventPublisher } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { RELAY_CONFIG, type OutboxRelayConfig } from '../config';

interface OutboxRow {
  id: string;
  topic: string;
  partition_key: string;
  envelope: EventEnvelope;
  headers: Record<string, string>;
}

// Advisory-lock namespace for relay buckets (two-int form: namespace, bucket).
const RELAY_LOCK_NAMESPACE = 20_251_125;

const published = new Counter({ name: 'relay_events_published_total', help: 'Outbox events published to Kafka', registers: [register] });
const lag = new Gauge({ name: 'relay_outbox_lag_seconds', help: 'Age of the oldest unpublished outbox event', registers: [register] });
const failures = new Counter({ name: 'relay_publish_failures_total', help: 'Outbox batches that failed to publish (retried)', registers: [register] });

// Publishes the gateway's outbox to Kafka (FR-DP-03), at least once and in per-conversation order:
// a bucket's rows go out in id order inside one transaction that holds that bucket's advisory lock
// and deletes what it published. Several relays share the buckets but never one at the same time;
// a crash anywhere before commit leaves the rows to be published again.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(RELAY_CONFIG) private readonly config: OutboxRelayConfig['relay'],
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stop taking work, let the batch in flight commit or roll back, then let the app close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoffMs = 0;
    while (this.running) {
      let fullBatch = false;
      try {
        for (const bucket of shuffled(OUTBOX_BUCKETS)) {
          if (!this.running) break;
          if ((await this.relayBucket(bucket)) === this.config.batchSize) fullBatch = true;
        }
        backoffMs = 0;
        await this.measureLag();
      } catch (error) {
        failures.inc();
        backoffMs = Math.min(Math.max(backoffMs * 2, 500), 10_000);
        this.logger.warn({ err: error, retry_in_ms: backoffMs, message: 'outbox publish failed; will retry' });
      }
      if (!this.running) break;
      if (backoffMs) await sleep(backoffMs);
      else if (!fullBatch) await sleep(this.config.pollIntervalMs);
    }
  }

  private relayBucket(bucket: number): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1, $2) AS locked`, [RELAY_LOCK_NAMESPACE, bucket]);
      if (!lock?.locked) return 0;
      const rows = await tx.query<OutboxRow[]>(
        `SELECT id, topic, partition_key, envelope, headers FROM gateway.outbox_events
          WHERE bucket = $1 AND published_at IS NULL ORDER BY id LIMIT $2`,
        [bucket, this.config.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.publisher.publish(
        rows.map((r) => ({ topic: r.topic, key: r.partition_key, envelope: r.envelope, traceHeaders: r.headers })),
      );
      await tx.query(`DELETE FROM gateway.outbox_events WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      published.inc(rows.length);
      return rows.length;
    });
  }

  private async measureLag(): Promise<void> {
    const [row] = await this.dataSource.query<{ age: number | null }[]>(
      `SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS age FROM gateway.outbox_events WHERE published_at IS NULL`,
    );
    lag.set(row?.age ?? 0);
  }
}

function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
