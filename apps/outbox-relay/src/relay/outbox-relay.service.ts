import { EventPublisher, RetryPolicy, RetryStoppedError } from '@chat4all/kafka';
import { OUTBOX_BUCKETS, OutboxRepository } from '@chat4all/outbox';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, register } from 'prom-client';
import { RELAY_CONFIG, type OutboxRelayConfig } from '../config';

const published = new Counter({ name: 'relay_events_published_total', help: 'Outbox events published to Kafka', registers: [register] });
const lag = new Gauge({ name: 'relay_outbox_lag_seconds', help: 'Age of the oldest unpublished outbox event', registers: [register] });
const failures = new Counter({ name: 'relay_publish_failures_total', help: 'Outbox batches that failed to publish (retried)', registers: [register] });

/** The outbox tables drained (OUTBOX_TABLES), one repository each. */
export const OUTBOX_REPOSITORIES = Symbol('OUTBOX_REPOSITORIES');

// Publishes the outboxes (the gateway's, file-service's) to Kafka (FR-DP-03), at least once and in per-key order.
// The claim/publish/delete transaction and its per-bucket lock live in @chat4all/outbox; this loop
// visits the buckets, backs off on failure and reports lag.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  // The consumers' retry policy: a failed pass over the buckets (Kafka or PostgreSQL away) is tried
  // again after 0.5 s doubling to 10 s, jittered, for as long as it takes; shutdown cuts the pause short.
  private readonly retry = new RetryPolicy({
    backoff: { kind: 'exponential', baseMs: 500, maxMs: 10_000 },
    onRetry: ({ delayMs, error }) => {
      failures.inc();
      this.logger.warn({ err: error, retry_in_ms: Math.round(delayMs), message: 'outbox publish failed; will retry' });
    },
  });

  constructor(
    @Inject(OUTBOX_REPOSITORIES) private readonly outboxes: OutboxRepository[],
    private readonly publisher: EventPublisher,
    @Inject(RELAY_CONFIG) private readonly config: OutboxRelayConfig['relay'],
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** Stop taking work, let the batch in flight commit or roll back, then let the app close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      let fullBatch: boolean;
      try {
        fullBatch = await this.retry.execute(() => this.relayAll(), { signal });
      } catch (error) {
        if (error instanceof RetryStoppedError) break;
        throw error;
      }
      if (!fullBatch) await sleep(this.config.pollIntervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One pass over every table's buckets, in random order; true when some bucket had a full batch (more waiting). */
  private async relayAll(): Promise<boolean> {
    let fullBatch = false;
    for (const outbox of this.outboxes) {
      // An empty outbox (file-service's, most of the time) costs one query per pass, not one transaction per bucket.
      if (!(await outbox.hasPending())) continue;
      for (const bucket of shuffled(OUTBOX_BUCKETS)) {
        if (this.stopping.signal.aborted) break;
        if ((await this.relayBucket(outbox, bucket)) === this.config.batchSize) fullBatch = true;
      }
    }
    await this.measureLag();
    return fullBatch;
  }

  private async relayBucket(outbox: OutboxRepository, bucket: number): Promise<number> {
    const count = await outbox.relayBucket(bucket, this.config.batchSize, (events) =>
      this.publisher.publish(events.map((e) => ({ topic: e.topic, key: e.partitionKey, envelope: e.envelope, traceHeaders: e.traceHeaders }))),
    );
    published.inc(count);
    return count;
  }

  private async measureLag(): Promise<void> {
    const ages = await Promise.all(this.outboxes.map((o) => o.oldestPendingAgeSeconds()));
    lag.set(Math.max(0, ...ages));
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
