import type { OutboxWriter } from '@chat4all/outbox';
import type { DataSource, EntityManager } from 'typeorm';
import type { ConversationsRepository } from './conversations.repository';
import { ReadHorizonService } from './read-horizon.service';

// When a read horizon move is announced (conversation.read) — the SQL side is covered by
// tests/system/messaging.int-spec.ts.
describe('ReadHorizonService.advance', () => {
  const tx = {} as EntityManager;
  const conversationId = '00000000-0000-4000-8000-000000000001';
  const userId = '00000000-0000-4000-8000-000000000002';
  const appended: { topic: string; payload: unknown }[] = [];
  let horizon: { lastSeq: number; previous: number } | undefined;
  const repository = { advanceReadSeq: () => Promise.resolve(horizon) } as unknown as ConversationsRepository;
  const outbox = { append: (_tx: EntityManager, topic: string, _key: string, envelope: { payload: unknown }) => (appended.push({ topic, payload: envelope.payload }), Promise.resolve()) } as unknown as OutboxWriter;
  const service = new ReadHorizonService({} as DataSource, repository, outbox);

  beforeEach(() => appended.splice(0));

  it('announces a move over other members\' messages', async () => {
    horizon = { lastSeq: 7, previous: 3 };
    expect(await service.advance(tx, conversationId, userId, { to: 6 })).toEqual({ conversation_id: conversationId, read_seq: 6, unread_count: 1 });
    expect(appended).toEqual([{ topic: 'conversations.read', payload: expect.objectContaining({ read_seq: 6, previous_read_seq: 3, user_id: userId }) }]);
  });

  it('moves to the latest message when no target is given', async () => {
    horizon = { lastSeq: 7, previous: 3 };
    expect((await service.advance(tx, conversationId, userId)).read_seq).toBe(7);
  });

  it('moves silently over the member\'s own new message alone, and announces it when that skips others', async () => {
    horizon = { lastSeq: 8, previous: 7 };
    expect((await service.advance(tx, conversationId, userId, { to: 8, ownSeq: 8 })).read_seq).toBe(8);
    expect(appended).toEqual([]);
    horizon = { lastSeq: 8, previous: 5 };
    await service.advance(tx, conversationId, userId, { to: 8, ownSeq: 8 });
    expect(appended).toHaveLength(1);
  });

  it('never moves back, and says so without an event', async () => {
    horizon = { lastSeq: 7, previous: 5 };
    expect(await service.advance(tx, conversationId, userId, { to: 2 })).toEqual({ conversation_id: conversationId, read_seq: 5, unread_count: 2 });
    expect(appended).toEqual([]);
  });

  it('refuses a target past the last message, and a non-member as not found', async () => {
    horizon = { lastSeq: 7, previous: 5 };
    await expect(service.advance(tx, conversationId, userId, { to: 8 })).rejects.toMatchObject({ slug: 'invalid-request' });
    horizon = undefined;
    await expect(service.advance(tx, conversationId, userId, { to: 1 })).rejects.toMatchObject({ slug: 'conversation-not-found' });
    expect(appended).toEqual([]);
  });
});
