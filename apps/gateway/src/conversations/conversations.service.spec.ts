import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { UserDirectory } from '../auth/user-directory.client';
import type { CreateConversationRequest } from '@chat4all/contracts';
import type { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';

// Conversation size rules (ARCHITECTURE §3a, docs/api.md): private has 2 members, group 3 to 100,
// the caller included.
describe('ConversationsService.create', () => {
  const caller = randomUUID();
  const inserted: string[][] = [];
  const repository = {
    insert: (_tx: unknown, _c: unknown, members: string[]) => (inserted.push(members), Promise.resolve(randomUUID())),
    findForMember: (id: string) => Promise.resolve({ id, type: 'group', channel: 'internal', external_contact: null, title: null, created_by: caller, created_at: new Date(), last_seq: '0', read_seq: '0' }),
    members: () => Promise.resolve([]),
  } as unknown as ConversationsRepository;
  const dataSource = { transaction: (fn: (tx: unknown) => Promise<unknown>) => fn({}) } as unknown as DataSource;
  const redis = { pipeline: () => ({ publish: () => undefined, exec: () => Promise.resolve([]) }) } as unknown as Redis;
  // Every id is an active user unless listed here.
  const inactive = new Set<string>();
  const users = { inactiveAmong: (ids: string[]) => Promise.resolve(ids.filter((id) => inactive.has(id))) } as unknown as UserDirectory;
  const service = new ConversationsService(dataSource, repository, users, redis);
  const group = (others: number): CreateConversationRequest => ({ type: 'group', channel: 'internal', member_ids: Array.from({ length: others }, () => randomUUID()) });

  beforeEach(() => {
    inserted.splice(0);
    inactive.clear();
  });

  it('creates a group of 100 members, the caller included', async () => {
    await service.create(caller, group(99));
    expect(inserted.map((m) => m.length)).toEqual([100]);
  });

  it('refuses a group of 101: 100 other members plus the caller', async () => {
    await expect(service.create(caller, group(100))).rejects.toMatchObject({ slug: 'invalid-request' });
    expect(inserted).toEqual([]);
  });

  it('refuses a group of 2 and a private conversation of 3', async () => {
    await expect(service.create(caller, group(1))).rejects.toMatchObject({ slug: 'invalid-request' });
    await expect(service.create(caller, { type: 'private', channel: 'internal', member_ids: [randomUUID(), randomUUID()] })).rejects.toMatchObject({ slug: 'invalid-request' });
    expect(inserted).toEqual([]);
  });

  it('refuses members that are not active users with 422 naming just them, creating nothing', async () => {
    const request = group(3);
    const stranger = request.member_ids[1];
    inactive.add(stranger);
    await expect(service.create(caller, request)).rejects.toMatchObject({ slug: 'unknown-members', extensions: { unknown_member_ids: [stranger] } });
    expect(inserted).toEqual([]);
  });
});
