import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';

/** A gauge's refresh: reads its source (Kafka, PostgreSQL) and sets the gauge. */
export type MetricRefresh = () => Promise<void>;

// Gauges whose value costs a query (Kafka offsets, row counts) are refreshed on one interval
// (METRICS_REFRESH_INTERVAL_MS) rather than at scrape time: a scrape stays cheap, and never fails or
// hangs because a dependency is down; the gauge keeps its last value meanwhile, and one warning
// says so (one more when it recovers). A refresh still running when the next is due is not started
// twice.
export class MetricsRefresh implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetricsRefresh.name);
  private readonly refreshes = new Map<string, MetricRefresh>();
  private readonly running = new Set<string>();
  private readonly failing = new Set<string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(readonly intervalMs: number) {}

  /** Refreshes `refresh` every interval from the app's start on; `name` says which in log lines. */
  add(name: string, refresh: MetricRefresh): void {
    if (this.refreshes.has(name)) throw new Error(`metric refresh ${name} is already registered`);
    this.refreshes.set(name, refresh);
  }

  /** Runs every refresh now (and the first time at start-up). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.refreshes].map(([name, refresh]) => this.run(name, refresh)));
  }

  onApplicationBootstrap(): void {
    void this.refreshAll();
    this.timer = setInterval(() => void this.refreshAll(), this.intervalMs).unref();
  }

  // What is in flight is not awaited: it fails against closing clients, and nobody reads it anymore.
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async run(name: string, refresh: MetricRefresh): Promise<void> {
    if (this.running.has(name)) return;
    this.running.add(name);
    try {
      await refresh();
      if (this.failing.delete(name)) this.logger.log({ metric: name, message: 'metric refresh works again' });
    } catch (error) {
      if (this.stopped || this.failing.has(name)) return;
      this.failing.add(name);
      this.logger.warn({ metric: name, err: error, message: 'metric refresh failed; the gauge keeps its last value' });
    } finally {
      this.running.delete(name);
    }
  }
}
