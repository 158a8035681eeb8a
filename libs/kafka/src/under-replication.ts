import { metricPrefix, registeredGauge } from '@chat4all/telemetry';
import type { Admin, ITopicMetadata } from 'kafkajs';
import type { Gauge } from 'prom-client';

/** Partitions per topic whose in-sync replicas are fewer than their replicas (0 for a healthy topic). */
export function underReplicatedPartitions(topics: readonly ITopicMetadata[]): Map<string, number> {
  return new Map(topics.map((t) => [t.name, t.partitions.filter((p) => p.isr.length < p.replicas.length).length]));
}

/**
 * `<service>_kafka_under_replicated_partitions{topic}` of the given topics, from their metadata:
 * a replica fallen out of the ISR (a broker down or behind) shows before acks=all writes fail.
 */
export class UnderReplicationGauge {
  private readonly gauge: Gauge<'topic'>;

  constructor(
    private readonly admin: Pick<Admin, 'fetchTopicMetadata'>,
    service: string,
    private readonly topics: readonly string[],
  ) {
    this.gauge = registeredGauge({
      name: `${metricPrefix(service)}_kafka_under_replicated_partitions`,
      help: 'Partitions of the topic whose in-sync replicas are fewer than their replicas',
      labelNames: ['topic'],
    });
  }

  async refresh(): Promise<void> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [...this.topics] });
    for (const [topic, count] of underReplicatedPartitions(topics)) this.gauge.set({ topic }, count);
  }
}
