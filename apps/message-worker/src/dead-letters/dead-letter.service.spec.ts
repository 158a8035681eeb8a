import { createEnvelope, deadLetterHeaders } from '@chat4all/contracts';
import type { EventPublisher } from '@chat4all/kafka';
import type { DeadLetterRepository, NewDeadLetter } from './dead-letter.repository';
import { DeadLetterService } from './dead-letter.service';

describe('DeadLetterService.record', () => {
  const inserted: NewDeadLetter[] = [];
  const repository = { insert: (d: NewDeadLetter) => Promise.resolve((inserted.push(d), String(inserted.length))) } as unknown as DeadLetterRepository;
  const service = new DeadLetterService(repository, {} as EventPublisher, { listTopics: () => Promise.resolve([]) });
  beforeEach(() => (inserted.length = 0));

  it('keeps the source position, reason and attempts of the dlq-* headers, and the record\'s own headers', async () => {
    const envelope = createEnvelope('message.outbound', 'c', { x: 1 });
    const origin = { sourceTopic: 'messages.outbound.whatsapp', sourcePartition: 2, sourceOffset: '41', reason: 'invalid outbound payload', attempts: 1 };
    await service.record({ partition: 0, offset: '7', key: 'c', value: JSON.stringify(envelope), headers: { traceparent: 't', ...deadLetterHeaders(origin) } });
    expect(inserted).toEqual([
      {
        event_id: envelope.event_id,
        source_topic: 'messages.outbound.whatsapp',
        source_partition: 2,
        source_offset: '41',
        record_key: 'c',
        value: JSON.stringify(envelope),
        headers: { traceparent: 't' },
        reason: 'invalid outbound payload',
        attempts: 1,
      },
    ]);
  });

  it('records a record of an older connector (no source position) by its own DLQ position, apart from real ones', async () => {
    await service.record({ partition: 3, offset: '12', key: null, value: 'not json', headers: { 'dlq-reason': 'bad', 'dlq-source-topic': 'messages.outbound.telegram' } });
    expect(inserted[0]).toMatchObject({ event_id: null, source_topic: 'messages.outbound.telegram', source_partition: -4, source_offset: '12', reason: 'bad', attempts: 1 });
  });

  it('keeps a value with NUL bytes (refused by PostgreSQL text and jsonb) as U+FFFD, so its row can be written', async () => {
    await service.record({ partition: 0, offset: '1', key: 'k\u0000', value: 'a\u0000b', headers: { h: 'x\u0000', ...deadLetterHeaders({ sourceTopic: 't', sourcePartition: 0, sourceOffset: '5', reason: 'r', attempts: 1 }) } });
    expect(inserted[0]).toMatchObject({ record_key: 'k\uFFFD', value: 'a\uFFFDb', headers: { h: 'x\uFFFD' } });
  });
});

describe('DeadLetterService.replay', () => {
  it('refuses, without publishing or marking it, a dead letter whose source topic no longer exists', async () => {
    const row = { id: '7', source_topic: 't1.messages.created', replayed_at: null, record_key: 'k', value: '{}', headers: {} };
    const published: string[] = [];
    const marked: string[] = [];
    const repository = {
      transaction: <T>(work: (tx: unknown) => Promise<T>) => work({}),
      lock: () => Promise.resolve(row),
      markReplayed: (_tx: unknown, id: string) => Promise.resolve((marked.push(id), row)),
    } as unknown as DeadLetterRepository;
    const publisher = { publishRaw: (topic: string) => Promise.resolve((published.push(topic), [])) } as unknown as EventPublisher;
    const service = new DeadLetterService(repository, publisher, { listTopics: () => Promise.resolve(['messages.created']) });
    expect(await service.replay('7', 'operator')).toEqual({ kind: 'source-missing', topic: 't1.messages.created' });
    expect({ published, marked }).toEqual({ published: [], marked: [] });
  });
});
