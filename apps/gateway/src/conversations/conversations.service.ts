import { ConversationProblems, GROUP_MAX_MEMBERS, GROUP_MIN_MEMBERS, isUuid, ServerFrames, type ConversationPage, type ConversationView, type CreateConversationRequest, type ListConversationsQuery } from '@chat4all/contracts';
import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { RealtimeFanout, REDIS } from '@chat4all/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { UserDirectory } from '../auth/user-directory.client';
import { conversationNotFound } from './conversation-errors';
import { ConversationsRepository, type ListPosition, type NewConversation } from './conversations.repository';

/** Where a member stands in a conversation: read up to readSeq, received up to deliveredSeq. */
export interface MemberHorizon {
  userId: string;
  readSeq: number;
  deliveredSeq: number;
}

export const PREVIEW_MAX_CHARS = 100;

const invalidCursor = () =>
  new ProblemException(PlatformProblems.invalidRequest, 'cursor is not one returned by this API.', { errors: [{ field: 'cursor', message: 'not a cursor returned by this API' }] });

// The cursor is the position of the last row of a page in the sort order: (last activity in µs, id).
const encodeCursor = (p: ListPosition) => Buffer.from(`${p.activityUs}.${p.id}`).toString('base64url');
function decodeCursor(cursor: string): ListPosition {
  const m = /^(\d{1,20})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw invalidCursor();
  return { activityUs: m[1], id: m[2] };
}

const preview = (p: { type: string; text?: string }): string =>
  p.type === 'text' ? [...(p.text ?? '')].slice(0, PREVIEW_MAX_CHARS).join('') : `[${p.type}]`;

@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly users: UserDirectory,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async create(callerId: string, request: CreateConversationRequest): Promise<ConversationView> {
    // The caller counts: member_ids may hold 100 ids, but a group has at most 100 members.
    const members = [...new Set([callerId, ...request.member_ids])];
    const sizeOk = request.type === 'private' ? members.length === 2 : members.length >= GROUP_MIN_MEMBERS && members.length <= GROUP_MAX_MEMBERS;
    if (!sizeOk) {
      const rule = request.type === 'private' ? 'exactly 2 members (you and one other)' : `${GROUP_MIN_MEMBERS} to ${GROUP_MAX_MEMBERS} members`;
      throw new ProblemException(PlatformProblems.invalidRequest, `A ${request.type} conversation has ${rule}.`, {
        errors: [{ field: 'member_ids', message: `${request.type} conversation needs ${rule}; got ${members.length}` }],
      });
    }
    // Auth owns users: every other member must exist and not be disabled (the caller holds a token).
    const unknown = await this.users.inactiveAmong(members.filter((m) => m !== callerId));
    if (unknown.length > 0) {
      throw new ProblemException(ConversationProblems.unknownMembers, `${unknown.length} of member_ids name no active user.`, { unknown_member_ids: unknown });
    }
    const conversation: NewConversation = {
      type: request.type,
      channel: request.channel,
      externalContact: request.external_contact ?? null,
      title: request.title ?? null,
      createdBy: callerId,
    };
    const id = await this.dataSource.transaction((tx) => this.createIn(tx, conversation, members));
    await this.announceMembership(id, members);
    return this.get(callerId, id);
  }

  /**
   * Creates a conversation and its members inside `tx`: the one place conversations are made (REST
   * and a new contact's inbound message). Call announceMembership once `tx` has committed.
   */
  createIn(tx: EntityManager, conversation: NewConversation, members: readonly string[]): Promise<string> {
    return this.conversations.insert(tx, conversation, members);
  }

  async get(callerId: string, id: string): Promise<ConversationView> {
    if (!isUuid(id)) throw conversationNotFound(id);
    const row = await this.conversations.findForMember(id, callerId);
    if (!row) throw conversationNotFound(id);
    const members = await this.conversations.members(id);
    return {
      id: row.id,
      type: row.type,
      channel: row.channel,
      external_contact: row.external_contact,
      title: row.title,
      created_by: row.created_by,
      created_at: row.created_at.toISOString(),
      last_seq: Number(row.last_seq),
      read_seq: Number(row.read_seq),
      members: members.map((m) => ({ user_id: m.user_id, read_seq: Number(m.read_seq), delivered_seq: Number(m.delivered_seq) })),
    };
  }

  /** The caller's conversations, most recent activity first (FR-API-01..04). */
  async list(callerId: string, q: ListConversationsQuery): Promise<ConversationPage> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.conversations.listForMember(callerId, after, q.limit + 1, q.offset);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      conversations: page.map((r) => ({
        id: r.id,
        type: r.type,
        channel: r.channel,
        external_contact: r.external_contact,
        title: r.title,
        last_seq: Number(r.last_seq),
        read_seq: Number(r.read_seq),
        unread_count: Number(r.last_seq) - Number(r.read_seq),
        last_activity_at: r.last_activity_at.toISOString(),
        last_message:
          r.lm_id && r.lm_payload && r.lm_sender_id && r.lm_created_at
            ? { message_id: r.lm_id, seq: Number(r.last_seq), sender_id: r.lm_sender_id, type: r.lm_payload.type, preview: preview(r.lm_payload), created_at: r.lm_created_at.toISOString() }
            : null,
      })),
      next_cursor: rows.length > q.limit && last ? encodeCursor({ activityUs: last.activity_us, id: last.id }) : null,
      limit: q.limit,
      offset: q.offset,
    };
  }

  /** "May this user see this conversation?" (REST, gRPC, resume, writes); `tx` to ask inside a transaction. */
  isMember(userId: string, conversationId: string, tx?: EntityManager): Promise<boolean> {
    if (!isUuid(userId) || !isUuid(conversationId)) return Promise.resolve(false);
    return this.conversations.isMember(conversationId, userId, tx);
  }

  /** Throws the not-found problem unless the caller is a member. */
  async assertMember(callerId: string, id: string): Promise<void> {
    if (!(await this.isMember(callerId, id))) throw conversationNotFound(id);
  }

  /** The conversations a user follows (realtime subscribes to them). */
  memberships(userId: string): Promise<string[]> {
    if (!isUuid(userId)) return Promise.resolve([]);
    return this.conversations.conversationIdsOf(userId);
  }

  /** The conversation's last seq, for a member; undefined if it does not exist or they are not one. */
  async lastSeqFor(userId: string, conversationId: string): Promise<number | undefined> {
    if (!isUuid(userId) || !isUuid(conversationId)) return undefined;
    const row = await this.conversations.findForMember(conversationId, userId);
    return row && Number(row.last_seq);
  }

  /** Every member's read and delivery horizons, by user id. */
  async horizons(conversationId: string): Promise<MemberHorizon[]> {
    const rows = await this.conversations.horizons(conversationId);
    return rows.map((h) => ({ userId: h.user_id, readSeq: Number(h.read_seq), deliveredSeq: Number(h.delivered_seq) }));
  }

  /** The contact's most recently active conversation on a channel, inside `tx`. */
  findLatestWithContact(tx: EntityManager, channel: string, externalContact: string): Promise<string | undefined> {
    return this.conversations.findLatestWithContact(tx, channel, externalContact);
  }

  /**
   * Tells realtime instances holding the members' connections to follow the new conversation. Best
   * effort: a member who misses it (Redis down) picks the conversation up on the next connect.
   */
  async announceMembership(conversationId: string, members: readonly string[]): Promise<void> {
    try {
      await new RealtimeFanout(this.redis).toUsers(members, ServerFrames.conversationJoined(conversationId));
    } catch (error) {
      this.logger.warn({ err: error, conversation_id: conversationId, message: 'could not announce the new conversation to realtime' });
    }
  }
}
