import type { Kafka } from 'kafkajs';
import { EventConsumer, type EventConsumerOptions } from './event-consumer';

/** The consumer group of one topic under a prefix: `<prefix>.<topic>`. */
export const topicGroup = (prefix: string, topic: string): string => `${prefix}.${topic}`;

export interface ConsumerPerTopicOptions extends Omit<EventConsumerOptions, 'groupId' | 'topics' | 'adoptOffsetsFrom'> {
  /** Each topic is consumed by group `<groupPrefix>.<topic>`. */
  groupPrefix: string;
  topics: string[];
}

// One EventConsumer, and group, per topic. kafkajs fetches again only once every batch of the last
// fetch is handled, so with one consumer for several topics a record being retried on one (a provider
// down, a poison event) holds up all of them. A group that used to consume every topic under the
// prefix itself (`groupPrefix`, before the split) hands its offsets over on first start.
export class ConsumerPerTopic {
  private readonly consumers: EventConsumer[];

  constructor(kafka: Kafka, { groupPrefix, topics, ...options }: ConsumerPerTopicOptions) {
    this.consumers = topics.map((topic) => new EventConsumer(kafka, { ...options, groupId: topicGroup(groupPrefix, topic), topics: [topic], adoptOffsetsFrom: groupPrefix }));
  }

  async start(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
