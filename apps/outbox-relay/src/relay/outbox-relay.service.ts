import { ChannelListener } from '@chat4all/database';
import { EventPublisher, RetryPolicy, RetryStoppedError } from '@chat4all/kafka';
import { OUTBOX_CHANNEL, OutboxRepository, type PendingOutboxEvent } from '@chat4all/outbox';
import { MetricsRefresh } from '@chat4all/platform';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import { RELAY_CONFIG, type OutboxRelayConfig } from '../config';

const wakeups = new Counter({ name: 'outbox_relay_wakeups_total', help: 'Passes over the outboxes, by what started them (signal: a writer committed; poll: the safety-net timer)', labelNames: ['cause'], registers: [register] });
const published = new Counter({ name: 'outbox_relay_events_published_total', help: 'Outbox events published to Kafka, by topic', labelNames: ['topic'], registers: [register] });
const failures = new Counter({ name: 'outbox_relay_publish_failures_total', help: 'Outbox passes that failed to publish (retried)', registers: [register] });
const pendingEvents = new Gauge({ name: 'outbox_relay_outbox_pending_events', help: 'Outbox rows not published yet, per outbox table', labelNames: ['table'], registers: [register] });
const oldestAge = new Gauge({
  name: 'outbox_relay_outbox_oldest_age_seconds',
  help: 'Age of the oldest unpublished outbox row, per outbox table (0 when empty)',
  labelNames: ['table'],
  registers: [register],
});

/** The outbox tables drained (OUTBOX_TABLES), one repository each. */
export const OUTBOX_REPOSITORIES = Symbol('OUTBOX_REPOSITORIES');

// Publishes the outboxes (the gateway's, file-service's) to Kafka (FR-DP-03), at least once and in per-key order.
// The claim/publish/delete transaction and its per-bucket lock live in @chat4all/outbox; this loop
// visits the buckets and backs off on failure. Each table's depth and lag are refreshed apart from
// the loop (METRICS_REFRESH_INTERVAL_MS), so they show even while the loop is stuck. Writers wake the
// loop when they commit (a ChannelListener on OUTBOX_CHANNEL); the poll timer only covers signals lost while the listening
// connection was down.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;
  private readonly listener: ChannelListener;
  /** A signal came while a pass ran: run another at once. */
  private signalled = false;
  private wake?: () => void;
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
    @Inject(MetricsRefresh) refresh: MetricsRefresh,
  ) {
    refresh.add('outbox depth', () => this.measureOutboxes());
    this.listener = new ChannelListener({
      url: config.databaseUrl,
      channel: OUTBOX_CHANNEL,
      applicationName: 'outbox-listener',
      onNotification: () => this.signal(),
      // Rows written while nobody listened are found by this pass.
      onListening: () => this.signal(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
    this.loop = this.run();
  }

  /** Stop taking work, let the batch in flight commit or roll back, then let the app close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.listener.stop();
    await this.loop;
  }

  private signal(): void {
    if (this.wake) this.wake();
    else this.signalled = true;
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      this.signalled = false;
      let fullBatch: boolean;
      try {
        fullBatch = await this.retry.execute(() => this.relayAll(), { signal });
      } catch (error) {
        if (error instanceof RetryStoppedError) break;
        throw error;
      }
      if (!fullBatch && !this.signalled) wakeups.inc({ cause: await this.nextSignal() });
    }
  }

  /** Resolves when a writer signals, the poll timer fires, or the relay stops. */
  private nextSignal(): Promise<'signal' | 'poll'> {
    const { signal } = this.stopping;
    const pause = this.listener.listening ? this.config.pollIntervalMs : this.config.fallbackPollIntervalMs;
    return new Promise((resolve) => {
      const done = (cause: 'signal' | 'poll') => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.wake = undefined;
        resolve(cause);
      };
      const onAbort = () => done('poll');
      const timer = setTimeout(() => done('poll'), pause);
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = () => done('signal');
    });
  }

  /** One pass over the buckets with events waiting, in random order; true when some bucket had a full batch (more waiting). */
  private async relayAll(): Promise<boolean> {
    let fullBatch = false;
    for (const outbox of this.outboxes) {
      // An empty outbox costs one query per pass, and only buckets with work get a transaction.
      for (const bucket of shuffled(await outbox.pendingBuckets())) {
        if (this.stopping.signal.aborted) break;
        if ((await this.relayBucket(outbox, bucket)) === this.config.batchSize) fullBatch = true;
      }
    }
    return fullBatch;
  }

  private async relayBucket(outbox: OutboxRepository, bucket: number): Promise<number> {
    let sent: PendingOutboxEvent[] = [];
    const count = await outbox.relayBucket(bucket, this.config.batchSize, async (events) => {
      await this.publisher.publish(events.map((e) => ({ topic: e.topic, key: e.partitionKey, envelope: e.envelope, traceHeaders: e.traceHeaders })));
      sent = events;
    });
    // Counted once the transaction committed (a rollback publishes them again).
    for (const e of sent) published.inc({ topic: e.topic });
    return count;
  }

  private async measureOutboxes(): Promise<void> {
    const stats = await Promise.all(this.outboxes.map(async (o) => ({ table: o.table, ...(await o.pendingStats()) })));
    for (const s of stats) {
      pendingEvents.set({ table: s.table }, s.pending);
      oldestAge.set({ table: s.table }, s.oldestAgeSeconds);
    }
  }
}

function shuffled<T>(items: T[]): T[] {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
