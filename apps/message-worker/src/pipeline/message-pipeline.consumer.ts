import { Topics } from '@chat4all/contracts';
import {
  ConsumerPerTopic,
  DeadLetterSink,
  failedRecordOf,
  failedRecordOfMessage,
  failureReason,
  GaveUpError,
  KAFKA,
  RetryPolicy,
  type ConsumedEvent,
} from '@chat4all/kafka';
import { unavailableDependency } from '@chat4all/platform';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { ZodError } from 'zod';
import { WORKER_CONFIG, type MessageWorkerConfig } from '../config';
import { DeliveryService, type Effect } from '../deliveries/delivery.service';
import { InboundService, PermanentInboundError } from '../inbound/inbound.service';
import { InboxRepository } from '../inbox/inbox.repository';
import { eventsHandled, retries } from './worker-metrics';

const INBOX_PRUNE_INTERVAL_MS = 3_600_000;

// Consumes the pipeline's topics, one record at a time per partition (per-conversation order, since
// the key is the conversation id), and hands each event to its service. A failing record is retried
// after each configured pause (1 s, 2 s, 4 s), then dead-lettered and its offset committed: a poison
// event holds its partition for at most the sum of the pauses (FR-DP-05..07). A record that is not a
// valid event (bad envelope or payload) cannot succeed later and is dead-lettered at once. Each topic
// has a consumer of its own (ConsumerPerTopic), so a record being retried (a receipt ahead of its
// message, gateway unreachable for an inbound message) holds up only its topic. The inbox stays one (WORKER_CONSUMER_GROUP).
@Injectable()
export class MessagePipeline implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagePipeline.name);
  private readonly consumers: ConsumerPerTopic;
  private readonly handlers: Record<string, (e: ConsumedEvent) => Promise<Effect>>;
  private readonly retry: RetryPolicy;
  private readonly stop = new AbortController();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly deliveries: DeliveryService,
    private readonly inbound: InboundService,
    private readonly inbox: InboxRepository,
    private readonly deadLetters: DeadLetterSink,
    @Inject(WORKER_CONFIG) config: MessageWorkerConfig['worker'],
  ) {
    this.handlers = {
      [Topics.messagesCreated]: (e) => this.deliveries.messageCreated(e.envelope),
      [Topics.messagesStatus]: (e) => this.deliveries.messageStatus(e.envelope),
      [Topics.conversationsRead]: (e) => this.deliveries.conversationRead(e.envelope),
      [Topics.conversationsDelivered]: (e) => this.deliveries.conversationDelivered(e.envelope),
      [Topics.messagesInbound]: (e) => this.inbound.messageInbound(e.envelope),
    };
    // A payload that breaks the contract fails the same way every time: no point retrying it.
    // A dependency down (unavailableDependency: PostgreSQL, Redis, gRPC, the network) is waited out
    // for WORKER_OUTAGE_RETRY_MAX_MS: the event is fine, its database is failing over.
    this.retry = new RetryPolicy({
      backoff: { kind: 'pauses', pausesMs: config.retryBackoffMs },
      isPermanent: (e) => e instanceof ZodError || e instanceof PermanentInboundError,
      outage: { is: (e) => unavailableDependency(e) !== undefined, maxMs: config.outageRetryMaxMs },
    });
    this.consumers = new ConsumerPerTopic(kafka, {
      groupPrefix: config.consumerGroup,
      topics: Object.keys(this.handlers),
      fromBeginning: true,
      partitionsConsumedConcurrently: config.partitionConcurrency,
      consumerConfig: { sessionTimeout: config.sessionTimeoutMs },
      handle: (e) => this.handle(e),
      onInvalid: (m, topic, partition, reason) => this.invalid(m, topic, partition, reason),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start();
    this.pruneTimer = setInterval(() => void this.pruneInbox(), INBOX_PRUNE_INTERVAL_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    clearInterval(this.pruneTimer);
    await this.consumers.stop();
  }

  /** Throws (the record stays uncommitted, the next owner of the partition retries it) only when stopping. */
  private async handle(event: ConsumedEvent): Promise<void> {
    const handler = this.handlers[event.topic];
    try {
      const outcome = await this.retry.execute(() => handler(event), {
        signal: this.stop.signal,
        onRetry: ({ attempt, delayMs, error }) => {
          retries.inc({ topic: event.topic });
          this.logger.warn({ event_id: event.envelope.event_id, topic: event.topic, attempt, retry_in_ms: delayMs, reason: failureReason(error), message: 'event processing failed; retrying' });
        },
      });
      eventsHandled.inc({ topic: event.topic, outcome });
      // One line per event, in its trace: what an SRE following a message finds in the log store.
      this.logger.log({
        event_id: event.envelope.event_id,
        event_type: event.envelope.type,
        aggregate_id: event.envelope.aggregate_id,
        topic: event.topic,
        partition: event.partition,
        offset: event.offset,
        outcome,
        message: 'event handled',
      });
    } catch (error) {
      if (!(error instanceof GaveUpError)) throw error;
      await this.deadLetters.deadLetter(failedRecordOf(event), failureReason(error.cause), error.attempts);
      eventsHandled.inc({ topic: event.topic, outcome: 'dead_lettered' });
    }
  }

  /** A record that is not even a valid envelope cannot succeed later: straight to the DLQ. */
  private async invalid(message: KafkaMessage, topic: string, partition: number, reason: string): Promise<void> {
    await this.deadLetters.deadLetter(failedRecordOfMessage(message, topic, partition), reason, 1);
    eventsHandled.inc({ topic, outcome: 'dead_lettered' });
  }

  private async pruneInbox(): Promise<void> {
    try {
      await this.inbox.prune();
    } catch (error) {
      this.logger.warn({ err: error, message: 'inbox prune failed' });
    }
  }
}
