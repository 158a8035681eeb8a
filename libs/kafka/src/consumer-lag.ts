import { metricPrefix, registeredGauge } from '@chat4all/telemetry';
import type { Admin, Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';

/** A consumer group and the topics it reads. */
export interface WatchedGroup {
  groupId: string;
  topics: readonly string[];
}

// The groups consumers of each client run (EventConsumer reports its own while it runs): what the
// app's lag gauge measures, so only apps that consume have one.
const groupsByClient = new WeakMap<Kafka, Map<string, readonly string[]>>();

export function watchConsumerGroup(kafka: Kafka, groupId: string, topics: readonly string[]): void {
  const groups = groupsByClient.get(kafka) ?? new Map<string, readonly string[]>();
  groups.set(groupId, topics);
  groupsByClient.set(kafka, groups);
}

export function unwatchConsumerGroup(kafka: Kafka, groupId: string): void {
  groupsByClient.get(kafka)?.delete(groupId);
}

export function watchedConsumerGroups(kafka: Kafka): WatchedGroup[] {
  return [...(groupsByClient.get(kafka) ?? [])].map(([groupId, topics]) => ({ groupId, topics }));
}

/** A group's committed offsets of one topic, as admin.fetchOffsets returns them (-1: none). */
export interface CommittedOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

/** One partition's watermarks, as admin.fetchTopicOffsets returns them. */
export interface PartitionWatermarks {
  partition: number;
  high: string;
  low: string;
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Records a group has still to read, per partition of its topics: high watermark − committed offset;
 * with nothing committed yet, every record retained (high − low). A committed offset the retention
 * already passed counts from the low watermark (records deleted cannot be read). Never negative.
 */
export function partitionLags(group: string, committed: readonly CommittedOffsets[], watermarks: ReadonlyMap<string, readonly PartitionWatermarks[]>): PartitionLag[] {
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    for (const end of watermarks.get(topic) ?? []) {
      const offset = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      const high = Number(end.high);
      const low = Number(end.low);
      const from = offset >= 0 ? Math.max(offset, low) : low;
      lags.push({ group, topic, partition: end.partition, lag: Math.max(0, high - from) });
    }
  }
  return lags;
}

type LagLabels = 'group' | 'topic' | 'partition';

/**
 * `<service>_kafka_consumer_lag_messages{group, topic, partition}` of the groups `groups()` names,
 * through one admin client: one offset fetch per group, one watermark fetch per topic. Every
 * instance of an app reports its groups' whole lag (alerts take the max per partition).
 */
export class ConsumerLagGauge {
  private gauge?: Gauge<LagLabels>;

  constructor(
    private readonly admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>,
    private readonly service: string,
    private readonly groups: () => readonly WatchedGroup[],
  ) {}

  async refresh(): Promise<void> {
    const groups = this.groups();
    if (groups.length === 0) {
      this.gauge?.reset();
      return;
    }
    // Committed offsets first, watermarks after: a record committed in between shows as lag for one
    // refresh rather than as negative lag.
    const committed = await Promise.all(groups.map(async (g) => ({ group: g.groupId, offsets: await this.admin.fetchOffsets({ groupId: g.groupId, topics: [...g.topics] }) })));
    const topics = [...new Set(groups.flatMap((g) => g.topics))];
    const watermarks = new Map(await Promise.all(topics.map(async (t) => [t, await this.admin.fetchTopicOffsets(t)] as const)));
    const lags = committed.flatMap((c) => partitionLags(c.group, c.offsets, watermarks));
    this.gauge ??= registeredGauge({
      name: `${metricPrefix(this.service)}_kafka_consumer_lag_messages`,
      help: "Records a consumer group has not committed yet, per partition: high watermark minus the group's committed offset",
      labelNames: ['group', 'topic', 'partition'],
    });
    // Replaced as a whole: a group that stopped (or a partition moved away) leaves no stale series.
    this.gauge.reset();
    for (const l of lags) this.gauge.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag);
  }
}
