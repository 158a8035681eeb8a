import { setTimeout as sleep } from 'node:timers/promises';
import type { LatencyDistribution, SimulatorWebhookOptions, WebhookDelivery } from './channel-simulator';
import { waitFor, type Random } from './simulated-time';

export interface WebhookFormat {
  /** The bytes the platform sends for a payload (Meta escapes unicode; Telegram does not). */
  serialize(payload: unknown): string;
  /** The authentication headers the platform adds to a body. */
  sign(rawBody: string): Record<string, string>;
}

const DEFAULT_RECEIPT_DELAY: LatencyDistribution = { kind: 'uniform', minMs: 200, maxMs: 1500 };

// Posts a simulated platform's webhooks: receipts in the background, with delays, duplicates and
// reordering as configured; inbound messages at once. Retries a target that does not answer 2xx,
// as the platforms do, and records every attempt.
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly target: SimulatorWebhookOptions,
    private readonly format: WebhookFormat,
    private readonly random: Random,
  ) {}

  /**
   * One message's receipts, in the order the platform produces them, in the background. The first
   * `ahead` are posted at once, one after the other, and the promise resolves once they were: the
   * platform answers the send after that.
   */
  scheduleReceipts(payloads: unknown[], ahead = 0): Promise<void> {
    if (payloads.length === 0) return Promise.resolve();
    const now = payloads.slice(0, ahead);
    const later = payloads.slice(ahead);
    const reversed = this.random() < (this.target.reorderRate ?? 0);
    const inTurn = (): void => void this.track(this.postInTurn(reversed ? [...later].reverse() : later));
    if (now.length === 0) {
      inTurn();
      return Promise.resolve();
    }
    return this.track(now.reduce<Promise<unknown>>((posted, p) => posted.then(() => this.post(p)), Promise.resolve())).then(inTurn);
  }

  /** Posts one webhook now and resolves with the target's last answer. */
  deliver(payload: unknown): Promise<number | 'error'> {
    return this.track(this.post(payload));
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Drops receipts not yet due and waits for the posts under way. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.settled();
  }

  private async postInTurn(payloads: unknown[]): Promise<void> {
    for (const payload of payloads) {
      try {
        await waitFor(this.target.receiptDelay ?? DEFAULT_RECEIPT_DELAY, this.random, this.stopping.signal);
      } catch {
        return; // stopping
      }
      await this.post(payload);
      if (this.random() < (this.target.duplicateRate ?? 0)) await this.post(payload);
    }
  }

  private async post(payload: unknown): Promise<number | 'error'> {
    const body = this.format.serialize(payload);
    const attempts = Math.max(1, this.target.maxAttempts ?? 3);
    let status: number | 'error' = 'error';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      status = await this.attempt(body);
      this.deliveries.push({ body, status, attempt });
      if ((typeof status === 'number' && status < 300) || attempt === attempts || this.stopping.signal.aborted) return status;
      await sleep(this.target.retryDelayMs ?? 100);
    }
    return status;
  }

  private async attempt(body: string): Promise<number | 'error'> {
    try {
      const response = await fetch(this.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.format.sign(body) },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 'error';
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }
}
