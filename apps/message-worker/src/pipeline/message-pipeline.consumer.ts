import { Topics } from '@chat4all/contracts';
import { ConsumerPerTopic, KAFKA, type ConsumedEvent } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z, ZodError } from 'zod';
import { DataSource } from 'typeorm';
import { WORKER_CONFIG, type MessageWorkerConfig } from '../config';
import { DeadLetterService, failedRecordOf, stringHeaders } from '../dead-letters/dead-letter.service';
import { DeliveryService, type Effect } from '../deliveries/delivery.service';
import { InboundService, PermanentInboundError } from '../inbound/inbound.service';
import { eventsHandled, retries } from './worker-metrics';

const INBOX_PRUNE_INTERVAL_MS = 3_600_000;

// Consumes the pipeline's topics, one record at a time per partition (per-conversation order, since
// the key is the conversation id). A failing record is retried after each configured pause
// (1 s, 2 s, 4 s), then dead-lettered and its offset committed: a poison event holds its partition
// for at most the sum of the pauses (FR-DP-05..07). A record that is not a valid event (bad
// envelope or payload) cannot succeed later and is dead-lettered at once. Each topic has a consumer
// of its own (ConsumerPerTopic), so a record being retried (a receipt ahead of its message, gateway
// unreachable for an inbound message) holds up only its topic. The inbox stays one (WORKER_CONSUMER_GROUP).
@Injectable()
export class MessagePipeline implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagePipeline.name);
  private readonly consumers: ConsumerPerTopic;
  private readonly handlers: Record<string, (e: ConsumedEvent) => Promise<Effect>>;
  private stopping = false;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryService,
    private readonly inbound: InboundService,
    private readonly deadLetters: DeadLetterService,
    @Inject(WORKER_CONFIG) private readonly config: MessageWorkerConfig['worker'],
  ) {
    this.handlers = {
      [Topics.messagesCreated]: (e) => this.deliveries.messageCreated(e.envelope),
      [Topics.messagesStatus]: (e) => this.deliveries.messageStatus(e.envelope),
      [Topics.conversationsRead]: (e) => this.deliveries.conversationRead(e.envelope),
      [Topics.messagesInbound]: (e) => this.inbound.messageInbound(e.envelope),
    };
    this.consumers = new ConsumerPerTopic(kafka, {
      groupPrefix: config.consumerGroup,
      topics: Object.keys(this.handlers),
      fromBeginning: true,
      partitionsConsumedConcurrently: config.partitionConcurrency,
      consumerConfig: { sessionTimeout: config.sessionTimeoutMs, heartbeatInterval: Math.floor(config.sessionTimeoutMs / 10) },
      handle: (e) => this.handle(e),
      onInvalid: (m, topic, partition, reason) => this.invalid(m, topic, partition, reason),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start();
    this.pruneTimer = setInterval(() => void this.pruneInbox(), INBOX_PRUNE_INTERVAL_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pruneTimer);
    await this.consumers.stop();
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    const handler = this.handlers[event.topic];
    const pauses = this.config.retryBackoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        eventsHandled.inc({ topic: event.topic, outcome: await handler(event) });
        return;
      } catch (error) {
        const reason = error instanceof ZodError ? `invalid payload: ${z.prettifyError(error)}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // A payload that breaks the contract fails the same way every time: no point retrying it.
        const permanent = error instanceof ZodError || error instanceof PermanentInboundError;
        if (permanent || attempt > pauses.length || this.stopping) {
          if (this.stopping) throw error; // not committed: the next owner of the partition retries it
          await this.deadLetters.deadLetter(failedRecordOf(event), reason, attempt);
          eventsHandled.inc({ topic: event.topic, outcome: 'dead_lettered' });
          return;
        }
        retries.inc({ topic: event.topic });
        this.logger.warn({ event_id: event.envelope.event_id, topic: event.topic, attempt, retry_in_ms: pauses[attempt - 1], reason, message: 'event processing failed; retrying' });
        await sleep(pauses[attempt - 1]); // the consumer keeps heartbeating meanwhile
      }
    }
  }

  /** A record that is not even a valid envelope cannot succeed later: straight to the DLQ. */
  private async invalid(message: KafkaMessage, topic: string, partition: number, reason: string): Promise<void> {
    await this.deadLetters.deadLetter(
      {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers: stringHeaders(message.headers ?? {}),
        eventId: null,
      },
      reason,
      1,
    );
    eventsHandled.inc({ topic, outcome: 'dead_lettered' });
  }

  /** Inbox rows outlive any redelivery (Kafka keeps records 7 days); older ones are dropped. */
  private async pruneInbox(): Promise<void> {
    try {
      await this.dataSource.query(`DELETE FROM message_worker.processed_events WHERE processed_at < now() - interval '8 days'`);
    } catch (error) {
      this.logger.warn({ err: error, message: 'inbox prune failed' });
    }
  }
}
