import type { Kafka } from 'kafkajs';
import { register } from 'prom-client';
import { ConsumerLagGauge, partitionLags, unwatchConsumerGroup, watchConsumerGroup, watchedConsumerGroups, type CommittedOffsets, type PartitionWatermarks } from './consumer-lag';

const ends = (topic: string, ...partitions: [number, number, number][]) =>
  [topic, partitions.map(([partition, low, high]): PartitionWatermarks => ({ partition, low: String(low), high: String(high) }))] as const;

describe('partitionLags', () => {
  const watermarks = new Map([ends('t', [0, 0, 10], [1, 4, 9], [2, 0, 0])]);

  it('is the high watermark minus the committed offset, per partition', () => {
    const committed: CommittedOffsets[] = [{ topic: 't', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '9' }, { partition: 2, offset: '0' }] }];
    expect(partitionLags('g', committed, watermarks)).toEqual([
      { group: 'g', topic: 't', partition: 0, lag: 3 },
      { group: 'g', topic: 't', partition: 1, lag: 0 },
      { group: 'g', topic: 't', partition: 2, lag: 0 },
    ]);
  });

  it('counts every retained record of a partition the group committed nothing on (high − low)', () => {
    const committed: CommittedOffsets[] = [{ topic: 't', partitions: [{ partition: 0, offset: '-1' }, { partition: 1, offset: '-1' }] }];
    expect(partitionLags('g', committed, watermarks).map((l) => l.lag)).toEqual([10, 5, 0]);
  });

  it('counts from the low watermark when retention passed the committed offset, and is never negative', () => {
    const committed: CommittedOffsets[] = [{ topic: 't', partitions: [{ partition: 0, offset: '12' }, { partition: 1, offset: '2' }] }];
    expect(partitionLags('g', committed, watermarks).map((l) => l.lag)).toEqual([0, 5, 0]);
  });

  it('leaves out topics it has no watermarks of', () => {
    expect(partitionLags('g', [{ topic: 'other', partitions: [{ partition: 0, offset: '1' }] }], watermarks)).toEqual([]);
  });
});

describe('ConsumerLagGauge', () => {
  const service = `lag-unit-${process.pid}`;
  const name = `lag_unit_${process.pid}_kafka_consumer_lag_messages`;
  const samples = async () => (await register.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`));

  it('asks once per group and once per topic, and replaces every series at each refresh', async () => {
    const offsets: Record<string, { topic: string; partitions: { partition: number; offset: string; metadata: null }[] }[]> = {
      a: [{ topic: 't1', partitions: [{ partition: 0, offset: '3', metadata: null }] }],
      b: [
        { topic: 't1', partitions: [{ partition: 0, offset: '-1', metadata: null }] },
        { topic: 't2', partitions: [{ partition: 0, offset: '1', metadata: null }] },
      ],
    };
    const admin = {
      fetchOffsets: jest.fn(({ groupId }: { groupId: string }) => Promise.resolve(offsets[groupId] ?? [])),
      fetchTopicOffsets: jest.fn((topic: string) => Promise.resolve(topic === 't1' ? [{ partition: 0, offset: '5', low: '0', high: '5' }] : [{ partition: 0, offset: '4', low: '0', high: '4' }])),
    };
    let groups = [
      { groupId: 'a', topics: ['t1'] },
      { groupId: 'b', topics: ['t1', 't2'] },
    ];
    const gauge = new ConsumerLagGauge(admin, service, () => groups);
    await gauge.refresh();
    expect(admin.fetchOffsets).toHaveBeenCalledTimes(2);
    expect(admin.fetchTopicOffsets.mock.calls.map(([t]) => t).sort()).toEqual(['t1', 't2']);
    expect(await samples()).toEqual([
      `${name}{group="a",topic="t1",partition="0"} 2`,
      `${name}{group="b",topic="t1",partition="0"} 5`,
      `${name}{group="b",topic="t2",partition="0"} 3`,
    ]);

    groups = [{ groupId: 'a', topics: ['t1'] }];
    await gauge.refresh();
    expect(await samples()).toEqual([`${name}{group="a",topic="t1",partition="0"} 2`]);

    groups = [];
    await gauge.refresh();
    expect(await samples()).toEqual([]);
  });

  it('registers no gauge while the app runs no consumer group', async () => {
    const admin = { fetchOffsets: jest.fn(), fetchTopicOffsets: jest.fn() };
    await new ConsumerLagGauge(admin, `lag-none-${process.pid}`, () => []).refresh();
    expect(admin.fetchOffsets).not.toHaveBeenCalled();
    expect(register.getSingleMetric(`lag_none_${process.pid}_kafka_consumer_lag_messages`)).toBeUndefined();
  });
});

describe('watched consumer groups', () => {
  it('are kept per Kafka client, while their consumer runs', () => {
    const kafka = {} as Kafka;
    const other = {} as Kafka;
    watchConsumerGroup(kafka, 'g1', ['t1']);
    watchConsumerGroup(kafka, 'g2', ['t2', 't3']);
    expect(watchedConsumerGroups(kafka)).toEqual([
      { groupId: 'g1', topics: ['t1'] },
      { groupId: 'g2', topics: ['t2', 't3'] },
    ]);
    expect(watchedConsumerGroups(other)).toEqual([]);
    unwatchConsumerGroup(kafka, 'g1');
    expect(watchedConsumerGroups(kafka).map((g) => g.groupId)).toEqual(['g2']);
  });
});
