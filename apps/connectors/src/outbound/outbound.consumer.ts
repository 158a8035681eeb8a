import { outboundMessageSchema, outboundTopic } from '@chat4all/contracts';
import { ConsumerPerTopic, DeadLetterSink, failedRecordOf, failedRecordOfMessage, KAFKA, type ConsumedEvent } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Channels } from '../channel-runtime';
import { CONNECTORS_CONFIG, type ConnectorSettings } from '../config';
import { OutboundSender } from './outbound-sender.service';

// Consumes messages.outbound.<channel> and hands each message to the sender, one at a time per
// conversation (the record key), so a conversation's messages reach the provider in seq order, and
// up to CONNECTOR_CONVERSATION_CONCURRENCY conversations of a partition at once. While a send is
// retried or waits for an open breaker, the consumer heartbeats (the group keeps the partition here).
// Each channel's topic has a consumer of its own (ConsumerPerTopic), so a provider that is down holds
// up no other. A record that is not a valid outbound event, or names a channel not served here, can
// never be sent: it is dead-lettered (DeadLetterSink), which lists it in the admin API for replay.
@Injectable()
export class OutboundConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboundConsumer.name);
  private readonly consumers: ConsumerPerTopic;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly channels: Channels,
    private readonly sender: OutboundSender,
    private readonly deadLetters: DeadLetterSink,
    @Inject(CONNECTORS_CONFIG) settings: ConnectorSettings,
  ) {
    this.consumers = new ConsumerPerTopic(kafka, {
      groupPrefix: settings.consumerGroup,
      topics: channels.list().map((c) => outboundTopic(c.channel)),
      fromBeginning: true,
      partitionsConsumedConcurrently: settings.partitionConcurrency,
      keysConsumedConcurrently: settings.conversationConcurrency,
      consumerConfig: { sessionTimeout: settings.sessionTimeoutMs },
      handle: (e) => this.handle(e),
      onInvalid: (m, topic, partition, reason) => this.invalid(m, topic, partition, reason),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.sender.stop();
    await this.consumers.stop();
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    const parsed = outboundMessageSchema.safeParse(event.envelope.payload);
    const runtime = parsed.success ? this.channels.get(parsed.data.channel) : undefined;
    if (!parsed.success || !runtime) {
      const reason = parsed.success ? `channel ${parsed.data.channel} is not served here` : `invalid outbound payload: ${parsed.error.message}`;
      this.logger.error({ topic: event.topic, partition: event.partition, offset: event.offset, event_id: event.envelope.event_id, reason, message: 'outbound event cannot be sent: dead-lettered' });
      await this.deadLetters.deadLetter(failedRecordOf(event), reason, 1);
      return;
    }
    await this.sender.deliver(runtime, parsed.data);
  }

  private async invalid(message: KafkaMessage, topic: string, partition: number, reason: string): Promise<void> {
    this.logger.error({ topic, partition, offset: message.offset, reason, message: 'outbound record is not an event: dead-lettered' });
    await this.deadLetters.deadLetter(failedRecordOfMessage(message, topic, partition), reason, 1);
  }
}
