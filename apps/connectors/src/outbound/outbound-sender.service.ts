import { traceparentOf } from '@chat4all/telemetry';
import type { OutboundMessage } from '@chat4all/contracts';
import { EventPublisher, GaveUpError, RetryPolicy, RetryStoppedError } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { RetryableSendError, type ChannelRuntime } from '../channel-runtime';
import type { SendResult } from '../channels';
import { CONNECTORS_CONFIG, type ConnectorSettings } from '../config';
import { acceptToSent, sends } from '../connector-metrics';
import { Receipts } from '../receipts/receipts.service';
import { statusRecord } from '../receipts/status-record';
import { SentMessageRepository, type NewSendOutcome } from '../sent-messages/sent-message.repository';

const OPEN_BREAKER_POLL_MS = 250;
const PRUNE_INTERVAL_MS = 3_600_000;

// Sends one outbound message to its provider and records the outcome. A retryable failure is retried
// (CONNECTOR_RETRY_BASE_MS doubling to CONNECTOR_RETRY_MAX_MS, or the provider's Retry-After when
// longer) for as long as it takes: the caller holds the conversation meanwhile, so later messages of
// the conversation do not overtake it. While a provider's breaker is open nothing is sent to it and
// the message waits (not counted as an attempt). A permanent failure is final: the message becomes
// FAILED with the provider's reason. Each outcome is stored once (sent_messages) before its status is
// published, so a redelivered event is never sent twice.
@Injectable()
export class OutboundSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboundSender.name);
  private readonly stopping = new AbortController();
  private readonly sendRetry: RetryPolicy;
  /** A send outcome the provider already has must be stored whatever it takes (PostgreSQL restarting). */
  private readonly storeRetry: RetryPolicy;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly sent: SentMessageRepository,
    private readonly publisher: EventPublisher,
    private readonly receipts: Receipts,
    @Inject(CONNECTORS_CONFIG) private readonly settings: ConnectorSettings,
  ) {
    const backoff = { kind: 'exponential', baseMs: settings.retry.baseMs, maxMs: settings.retry.maxMs } as const;
    this.sendRetry = new RetryPolicy({
      backoff,
      // Anything but a provider's retryable answer (Kafka or PostgreSQL down, a bug) is not a send
      // failure: it goes back to the consumer, which leaves the record uncommitted.
      isPermanent: (e) => !(e instanceof RetryableSendError),
      requestedDelayMs: (e) => (e instanceof RetryableSendError ? e.failure.retryAfterMs : undefined),
    });
    this.storeRetry = new RetryPolicy({ backoff });
  }

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  /** Pauses end at once and no new attempt starts: the record stays uncommitted for the next owner. */
  stop(): void {
    this.stopping.abort();
    clearInterval(this.pruneTimer);
  }

  beforeApplicationShutdown(): void {
    this.stop();
  }

  /** Sends the message unless it was sent (or refused) before; throws only to leave the record uncommitted. */
  async deliver(runtime: ChannelRuntime, message: OutboundMessage): Promise<void> {
    const done = await this.sent.outcomeOf(message.message_id);
    if (done) {
      // Sent (or refused) before. Its status may not have been published (a crash in between): do it now.
      sends.inc({ channel: message.channel, outcome: 'duplicate' });
      if (!done.status_published) await this.publishStatus(message, done.outcome === 'sent' ? 'SENT' : 'FAILED', done.provider_message_id, done.failure_reason);
      return;
    }
    try {
      await this.sendRetry.execute((attempt) => this.attempt(runtime, message, attempt), {
        signal: this.stopping.signal,
        onRetry: ({ attempt, delayMs, error }) => {
          const { failure } = error as RetryableSendError;
          sends.inc({ channel: message.channel, outcome: 'retryable_error' });
          this.logger.warn({ message_id: message.message_id, channel: message.channel, attempt, code: failure.code, reason: failure.reason, retry_in_ms: Math.round(delayMs), message: 'send failed; retrying' });
        },
      });
    } catch (error) {
      throw error instanceof GaveUpError ? error.cause : error;
    }
  }

  private async attempt(runtime: ChannelRuntime, message: OutboundMessage, attempt: number): Promise<void> {
    const { result, startedAt } = await this.fireWhenClosed(runtime, message);
    if (result.ok) {
      acceptToSent.observe({ channel: message.channel }, Math.max(0, Date.now() - Date.parse(message.created_at)) / 1000);
      // The provider has it now: storing that must not fail the record (a redelivery would send it again).
      await this.store(message, { outcome: 'sent', providerMessageId: result.providerMessageId, reason: null, attempts: attempt, startedAt });
      sends.inc({ channel: message.channel, outcome: 'sent' });
      this.logger.log({ message_id: message.message_id, channel: message.channel, provider_message_id: result.providerMessageId, attempts: attempt, message: 'sent to the provider' });
      await this.publishStatus(message, 'SENT', result.providerMessageId, null);
      return;
    }
    // Permanent: the provider will never take this message (invalid recipient, too long...).
    const reason = `${result.code}: ${result.reason}`;
    await this.store(message, { outcome: 'failed', providerMessageId: null, reason, attempts: attempt, startedAt });
    sends.inc({ channel: message.channel, outcome: 'failed' });
    this.logger.warn({ message_id: message.message_id, channel: message.channel, reason, message: 'send failed for good' });
    await this.publishStatus(message, 'FAILED', null, reason);
  }

  /** One send through the breaker; while it is open (the provider down), waits for its trial send rather than fail the message. */
  private async fireWhenClosed(runtime: ChannelRuntime, message: OutboundMessage): Promise<{ result: SendResult; startedAt: Date }> {
    for (;;) {
      const startedAt = new Date();
      try {
        return { result: await runtime.breaker.fire(message), startedAt };
      } catch (error) {
        if ((error as { code?: string }).code !== 'EOPENBREAKER') throw error;
      }
      await sleep(OPEN_BREAKER_POLL_MS, undefined, { signal: this.stopping.signal }).catch(() => {
        throw new RetryStoppedError();
      });
    }
  }

  private async store(message: OutboundMessage, outcome: NewSendOutcome): Promise<void> {
    // The send's trace (this consumer span), for the receipts that follow.
    const traced = { ...outcome, traceparent: traceparentOf() };
    await this.storeRetry.execute(() => this.sent.record(message, traced), {
      signal: this.stopping.signal,
      onRetry: ({ attempt, error }) => this.logger.error({ err: error, attempt, message: 'could not store a send outcome; retrying' }),
    });
  }

  /** The outcome's status; after a SENT, the receipts (of the message, and of its thread) that arrived before the send was recorded. */
  private async publishStatus(message: OutboundMessage, status: 'SENT' | 'FAILED', providerMessageId: string | null, reason: string | null): Promise<void> {
    await this.publisher.publish([statusRecord(message, status, new Date(), providerMessageId, reason)]);
    await this.sent.markStatusPublished(message.message_id);
    if (!providerMessageId) return;
    await this.receipts.release(message.channel, [providerMessageId]);
    await this.receipts.threadStatusesOfSend(message.channel, message.external_contact);
  }

  /** Forgets sends older than CONNECTOR_SENT_RETENTION_DAYS (Kafka keeps outbound records 7 days). */
  private async prune(): Promise<void> {
    try {
      await this.sent.prune(this.settings.sentRetentionDays);
    } catch (error) {
      this.logger.warn({ err: error, message: 'sent_messages prune failed' });
    }
  }
}
