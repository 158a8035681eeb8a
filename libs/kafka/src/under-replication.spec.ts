import type { ITopicMetadata, PartitionMetadata } from 'kafkajs';
import { register } from 'prom-client';
import { UnderReplicationGauge, underReplicatedPartitions } from './under-replication';

const partition = (partitionId: number, replicas: number[], isr: number[]): PartitionMetadata => ({ partitionErrorCode: 0, partitionId, leader: replicas[0] ?? -1, replicas, isr });

describe('underReplicatedPartitions', () => {
  it('counts, per topic, the partitions whose in-sync replicas are fewer than their replicas', () => {
    const topics: ITopicMetadata[] = [
      { name: 'healthy', partitions: [partition(0, [1, 2, 3], [1, 2, 3]), partition(1, [2, 3, 1], [3, 1, 2])] },
      { name: 'degraded', partitions: [partition(0, [1, 2, 3], [1, 3]), partition(1, [2, 3, 1], [2, 3, 1]), partition(2, [3, 1, 2], [3])] },
      { name: 'single', partitions: [partition(0, [1], [1])] },
    ];
    expect(underReplicatedPartitions(topics)).toEqual(
      new Map([
        ['healthy', 0],
        ['degraded', 2],
        ['single', 0],
      ]),
    );
  });

  it('reports each topic asked for, 0 included, from its metadata', async () => {
    const admin = { fetchTopicMetadata: jest.fn(() => Promise.resolve({ topics: [{ name: 'a', partitions: [partition(0, [1, 2], [1])] }, { name: 'b', partitions: [partition(0, [1, 2], [2, 1])] }] })) };
    await new UnderReplicationGauge(admin, `replication-unit-${process.pid}`, ['a', 'b']).refresh();
    expect(admin.fetchTopicMetadata).toHaveBeenCalledWith({ topics: ['a', 'b'] });
    const name = `replication_unit_${process.pid}_kafka_under_replicated_partitions`;
    expect((await register.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`))).toEqual([`${name}{topic="a"} 1`, `${name}{topic="b"} 0`]);
  });
});
