import { outboundMessageSchema, outboundTopic, Topics, type OutboundMessage } from '@chat4all/contracts';
import { ConsumerPerTopic, EventPublisher, KAFKA, type ConsumedEvent } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { RetryableSendError, Channels, type ChannelRuntime } from '../channel-runtime';
import type { SendFailure } from '../channels';
import { CONNECTORS_CONFIG, type ConnectorSettings } from '../config';
import { sends } from '../connector-metrics';
import { Receipts, statusRecord } from '../receipts/receipts';

class Stopping extends Error {}

const OPEN_BREAKER_POLL_MS = 250;
const PRUNE_INTERVAL_MS = 3_600_000;

// Consumes messages.outbound.<channel> and sends each message to its provider, one at a time per
// conversation (the record key), so a conversation's messages reach the provider in seq order, and
// up to CONNECTOR_CONVERSATION_CONCURRENCY conversations of a partition at once. A retryable failure
// is retried (exponential backoff, or the provider's Retry-After when longer) and holds the
// conversation: later messages of the conversation must not overtake it. While a provider's breaker
// is open nothing is sent to it and its messages wait (the consumer heartbeats meanwhile, so the
// group does not take the partition away). Each channel's topic has a consumer of its own
// (ConsumerPerTopic), so a provider that is down holds up no other. A permanent failure is final: the message becomes
// FAILED with the provider's reason. Each outcome is stored once (sent_messages) before its status
// is published, so a redelivered event is never sent twice.
@Injectable()
export class OutboundDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboundDispatcher.name);
  private readonly consumers: ConsumerPerTopic;
  private stopping = false;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly channels: Channels,
    private readonly publisher: EventPublisher,
    private readonly dataSource: DataSource,
    private readonly receipts: Receipts,
    @Inject(CONNECTORS_CONFIG) private readonly settings: ConnectorSettings,
  ) {
    this.consumers = new ConsumerPerTopic(kafka, {
      groupPrefix: settings.consumerGroup,
      topics: channels.list().map((c) => outboundTopic(c.channel)),
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.partitionConcurrency,
      keysConsumedConcurrently: settings.conversationConcurrency,
      consumerConfig: { sessionTimeout: settings.sessionTimeoutMs, heartbeatInterval: Math.floor(settings.sessionTimeoutMs / 10) },
      handle: (e) => this.handle(e),
      onInvalid: (m, topic, partition, reason) => this.deadLetter(m, topic, partition, reason),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    await this.consumers.stop();
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    const parsed = outboundMessageSchema.safeParse(event.envelope.payload);
    const runtime = parsed.success ? this.channels.get(parsed.data.channel) : undefined;
    if (!parsed.success || !runtime) {
      const reason = parsed.success ? `channel ${parsed.data.channel} is not served here` : `invalid outbound payload: ${parsed.error.message}`;
      await this.publisher.publishRaw(Topics.deadLetters, [{ key: event.key, value: event.value, headers: { 'dlq-reason': reason, 'dlq-source-topic': event.topic } }]);
      return;
    }
    const message = parsed.data;
    const [done] = await this.dataSource.query<{ outcome: 'sent' | 'failed'; provider_message_id: string | null; failure_reason: string | null; status_published: boolean }[]>(
      `SELECT outcome, provider_message_id, failure_reason, status_published FROM connectors.sent_messages WHERE message_id = $1`,
      [message.message_id],
    );
    if (done) {
      // Sent (or refused) before. Its status may not have been published (a crash in between): do it now.
      sends.inc({ channel: message.channel, outcome: 'duplicate' });
      if (!done.status_published) await this.publishStatus(message, done.outcome === 'sent' ? 'SENT' : 'FAILED', done.provider_message_id, done.failure_reason);
      return;
    }
    await this.send(runtime, message);
  }

  private async send(runtime: ChannelRuntime, message: OutboundMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) throw new Stopping('shutting down: not committed, the next owner of the partition sends it');
      let failure: SendFailure;
      const startedAt = new Date();
      try {
        const result = await runtime.breaker.fire(message);
        if (result.ok) {
          // The provider has it now: storing that must not fail the record (a redelivery would send it again).
          await this.persist(() => this.record(message, 'sent', result.providerMessageId, null, attempt, startedAt));
          sends.inc({ channel: message.channel, outcome: 'sent' });
          await this.publishStatus(message, 'SENT', result.providerMessageId, null);
          return;
        }
        // Permanent: the provider will never take this message (invalid recipient, too long...).
        const reason = `${result.code}: ${result.reason}`;
        await this.persist(() => this.record(message, 'failed', null, reason, attempt, startedAt));
        sends.inc({ channel: message.channel, outcome: 'failed' });
        this.logger.warn({ message_id: message.message_id, channel: message.channel, reason, message: 'send failed for good' });
        await this.publishStatus(message, 'FAILED', null, reason);
        return;
      } catch (error) {
        if ((error as { code?: string }).code === 'EOPENBREAKER') {
          // The provider is down: wait for the breaker's trial send rather than fail the message.
          attempt--;
          await this.wait(OPEN_BREAKER_POLL_MS);
          continue;
        }
        if (!(error instanceof RetryableSendError)) throw error;
        failure = error.failure;
      }
      sends.inc({ channel: message.channel, outcome: 'retryable_error' });
      const delay = Math.max(this.backoffMs(attempt) * (0.5 + Math.random() / 2), failure.retryAfterMs ?? 0);
      this.logger.warn({ message_id: message.message_id, channel: message.channel, attempt, code: failure.code, reason: failure.reason, retry_in_ms: Math.round(delay), message: 'send failed; retrying' });
      await this.wait(delay);
    }
  }

  /** Retries a database write until it lands (PostgreSQL restarting). */
  private async persist(write: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (this.stopping) throw error;
        this.logger.error({ err: error, attempt, message: 'could not store a send outcome; retrying' });
        await this.wait(this.backoffMs(attempt));
      }
    }
  }

  /** Sleeps; ends early (throwing) when the app stops, leaving the record uncommitted. */
  private async wait(ms: number): Promise<void> {
    for (const until = Date.now() + ms; Date.now() < until; ) {
      if (this.stopping) throw new Stopping('shutting down');
      await sleep(Math.min(OPEN_BREAKER_POLL_MS, until - Date.now()));
    }
  }

  /** Exponential from CONNECTOR_RETRY_BASE_MS, capped at CONNECTOR_RETRY_MAX_MS. */
  private backoffMs(attempt: number): number {
    return Math.min(this.settings.retry.maxMs, this.settings.retry.baseMs * 2 ** Math.min(attempt - 1, 20));
  }

  private async record(message: OutboundMessage, outcome: 'sent' | 'failed', providerMessageId: string | null, reason: string | null, attempts: number, startedAt: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO connectors.sent_messages (message_id, channel, conversation_id, external_contact, outcome, provider_message_id, failure_reason, attempts, send_started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (message_id) DO NOTHING`,
      [message.message_id, message.channel, message.conversation_id, message.external_contact, outcome, providerMessageId, reason, attempts, startedAt.toISOString()],
    );
  }

  /** The outcome's status; after a SENT, the receipts that arrived before the send was recorded. */
  private async publishStatus(message: OutboundMessage, status: 'SENT' | 'FAILED', providerMessageId: string | null, reason: string | null): Promise<void> {
    await this.publisher.publish([statusRecord(message, status, new Date(), providerMessageId, reason)]);
    await this.dataSource.query(`UPDATE connectors.sent_messages SET status_published = true WHERE message_id = $1`, [message.message_id]);
    if (providerMessageId) await this.receipts.release(message.channel, [providerMessageId]);
  }

  /** Forgets sends older than CONNECTOR_SENT_RETENTION_DAYS (Kafka keeps outbound records 7 days). */
  private async prune(): Promise<void> {
    try {
      await this.dataSource.query(`DELETE FROM connectors.sent_messages WHERE finished_at < now() - make_interval(days => $1)`, [this.settings.sentRetentionDays]);
    } catch (error) {
      this.logger.warn({ err: error, message: 'sent_messages prune failed' });
    }
  }

  private async deadLetter(m: KafkaMessage, topic: string, partition: number, reason: string): Promise<void> {
    this.logger.error({ topic, partition, offset: m.offset, reason, message: 'outbound record is not an event: dead-lettered' });
    await this.publisher.publishRaw(Topics.deadLetters, [{ key: m.key?.toString() ?? null, value: m.value?.toString() ?? '', headers: { 'dlq-reason': reason, 'dlq-source-topic': topic } }]);
  }
}
