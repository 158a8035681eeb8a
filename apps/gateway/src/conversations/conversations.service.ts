import { createEnvelope, EventTypes, ServerFrames, Topics, type ConversationRead } from '@chat4all/contracts';
import { RealtimeFanout, REDIS } from '@chat4all/redis';
import { ProblemException } from '@chat4all/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { writeOutboxEvent } from '../outbox/outbox-writer';
import { GROUP_MIN_MEMBERS, type CreateConversationRequest, type ListConversationsQuery } from './conversation.dto';

export interface ConversationView {
  id: string;
  type: string;
  channel: string;
  external_contact: string | null;
  title: string | null;
  created_by: string;
  created_at: string;
  last_seq: number;
  members: { user_id: string; delivered_seq: number; read_seq: number }[];
  read_seq: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ConversationSummary {
  id: string;
  type: string;
  channel: string;
  external_contact: string | null;
  title: string | null;
  last_seq: number;
  read_seq: number;
  unread_count: number;
  last_activity_at: string;
  last_message: { message_id: string; seq: number; sender_id: string; type: string; preview: string; created_at: string } | null;
}

interface SummaryRow {
  id: string;
  type: string;
  channel: string;
  external_contact: string | null;
  title: string | null;
  last_seq: string;
  read_seq: string;
  last_activity_at: Date;
  activity_us: string;
  lm_id: string | null;
  lm_sender_id: string | null;
  lm_payload: { type: string; text?: string } | null;
  lm_created_at: Date | null;
}

export const PREVIEW_MAX_CHARS = 100;

const invalidCursor = () =>
  new ProblemException('invalid-request', 400, 'Invalid request', 'cursor is not one returned by this API.', { errors: [{ field: 'cursor', message: 'not a cursor returned by this API' }] });

// The cursor is the position of the last row of a page in the sort order: (last activity in µs, id).
const encodeCursor = (activityUs: string, id: string) => Buffer.from(`${activityUs}.${id}`).toString('base64url');
function decodeCursor(cursor: string): { activityUs: string; id: string } {
  const m = /^(\d{1,20})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw invalidCursor();
  return { activityUs: m[1], id: m[2] };
}

const preview = (p: { type: string; text?: string }): string =>
  p.type === 'text' ? [...(p.text ?? '')].slice(0, PREVIEW_MAX_CHARS).join('') : `[${p.type}]`;

// Non-members get exactly the answer for a conversation that does not exist: no existence leak.
export const conversationNotFound = (id: string) =>
  new ProblemException('conversation-not-found', 404, 'Conversation not found', `No conversation ${id} for this user.`);

@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async create(callerId: string, request: CreateConversationRequest): Promise<ConversationView> {
    const members = [...new Set([callerId, ...request.member_ids])];
    const sizeOk = request.type === 'private' ? members.length === 2 : members.length >= GROUP_MIN_MEMBERS;
    if (!sizeOk) {
      const rule = request.type === 'private' ? 'exactly 2 members (you and one other)' : `${GROUP_MIN_MEMBERS} to 100 members`;
      throw new ProblemException('invalid-request', 400, 'Invalid request', `A ${request.type} conversation has ${rule}.`, {
        errors: [{ field: 'member_ids', message: `${request.type} conversation needs ${rule}; got ${members.length}` }],
      });
    }
    const id = await this.dataSource.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }[]>(
        `INSERT INTO gateway.conversations (type, channel, external_contact, title, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [request.type, request.channel, request.external_contact ?? null, request.title ?? null, callerId],
      );
      const conversationId = row.id;
      await tx.query(
        `INSERT INTO gateway.conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[])`,
        [conversationId, members],
      );
      return conversationId;
    });
    await this.announceMembership(id, members);
    return this.get(callerId, id);
  }

  async get(callerId: string, id: string): Promise<ConversationView> {
    if (!UUID.test(id)) throw conversationNotFound(id);
    const [row] = await this.dataSource.query<(Omit<ConversationView, 'members' | 'read_seq' | 'last_seq' | 'created_at'> & { last_seq: string; created_at: Date; read_seq: string })[]>(
      `SELECT c.id, c.type, c.channel, c.external_contact, c.title, c.created_by, c.created_at, c.last_seq, m.read_seq
         FROM gateway.conversations c
         JOIN gateway.conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
        WHERE c.id = $1`,
      [id, callerId],
    );
    if (!row) throw conversationNotFound(id);
    const members = await this.dataSource.query<{ user_id: string; delivered_seq: string; read_seq: string }[]>(
      `SELECT user_id, delivered_seq, read_seq FROM gateway.conversation_members WHERE conversation_id = $1 ORDER BY joined_at, user_id`,
      [id],
    );
    return {
      ...row,
      created_at: row.created_at.toISOString(),
      last_seq: Number(row.last_seq),
      read_seq: Number(row.read_seq),
      members: members.map((m) => ({ user_id: m.user_id, delivered_seq: Number(m.delivered_seq), read_seq: Number(m.read_seq) })),
    };
  }

  /**
   * The caller's conversations, most recent activity first (FR-API-01..04): one query; the page is
   * cut on the membership index first, then only its rows get their last message (unique index on
   * (conversation_id, seq)).
   */
  async list(callerId: string, q: ListConversationsQuery): Promise<{ conversations: ConversationSummary[]; next_cursor: string | null; limit: number; offset: number }> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.dataSource.query<SummaryRow[]>(
      `SELECT p.*, lm.id AS lm_id, lm.sender_id AS lm_sender_id, lm.payload AS lm_payload, lm.created_at AS lm_created_at
         FROM (SELECT c.id, c.type, c.channel, c.external_contact, c.title, c.last_seq, cm.read_seq, c.last_activity_at,
                      (extract(epoch FROM c.last_activity_at) * 1000000)::bigint AS activity_us
                 FROM gateway.conversation_members cm
                 JOIN gateway.conversations c ON c.id = cm.conversation_id
                WHERE cm.user_id = $1
                  AND ($2::bigint IS NULL OR (c.last_activity_at, c.id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
                ORDER BY c.last_activity_at DESC, c.id DESC
                LIMIT $4 OFFSET $5) p
         LEFT JOIN gateway.messages lm ON lm.conversation_id = p.id AND lm.seq = p.last_seq
        ORDER BY p.last_activity_at DESC, p.id DESC`,
      [callerId, after?.activityUs ?? null, after?.id ?? null, q.limit + 1, q.offset],
    );
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
      next_cursor: rows.length > q.limit && last ? encodeCursor(last.activity_us, last.id) : null,
      limit: q.limit,
      offset: q.offset,
    };
  }

  /**
   * Moves the caller's read horizon forward only (FR-API-05), to up_to_seq or the latest message, and
   * in the same transaction writes the conversation.read event that tells the other members (FR-API-06).
   */
  async markRead(callerId: string, id: string, upToSeq: number | undefined): Promise<{ conversation_id: string; read_seq: number; unread_count: number }> {
    if (!UUID.test(id)) throw conversationNotFound(id);
    return this.dataSource.transaction(async (tx) => {
      const [row] = await tx.query<{ last_seq: string; read_seq: string }[]>(
        `SELECT c.last_seq, cm.read_seq FROM gateway.conversation_members cm JOIN gateway.conversations c ON c.id = cm.conversation_id
          WHERE cm.conversation_id = $1 AND cm.user_id = $2 FOR UPDATE OF cm`,
        [id, callerId],
      );
      if (!row) throw conversationNotFound(id);
      const lastSeq = Number(row.last_seq);
      const previous = Number(row.read_seq);
      const target = upToSeq ?? lastSeq;
      if (target > lastSeq) {
        throw new ProblemException('invalid-request', 400, 'Invalid request', `up_to_seq ${target} is beyond the last message (seq ${lastSeq}).`, {
          errors: [{ field: 'up_to_seq', message: `must be at most ${lastSeq}` }],
        });
      }
      if (target <= previous) return { conversation_id: id, read_seq: previous, unread_count: lastSeq - previous };
      await tx.query(`UPDATE gateway.conversation_members SET read_seq = $3 WHERE conversation_id = $1 AND user_id = $2`, [id, callerId, target]);
      const read: ConversationRead = { conversation_id: id, user_id: callerId, read_seq: target, previous_read_seq: previous, at: new Date().toISOString() };
      await writeOutboxEvent(tx, Topics.conversationsRead, id, createEnvelope(EventTypes.conversationRead, id, read));
      return { conversation_id: id, read_seq: target, unread_count: lastSeq - target };
    });
  }

  /**
   * Tells realtime instances holding the members' connections to follow the new conversation. Best
   * effort: a member who misses it (Redis down) picks the conversation up on the next connect.
   */
  async announceMembership(conversationId: string, members: string[]): Promise<void> {
    try {
      await new RealtimeFanout(this.redis).toUsers(members, ServerFrames.conversationJoined(conversationId));
    } catch (error) {
      this.logger.warn({ err: error, conversation_id: conversationId, message: 'could not announce the new conversation to realtime' });
    }
  }

  /** Throws the not-found problem unless the caller is a member. */
  async assertMember(callerId: string, id: string): Promise<void> {
    if (!UUID.test(id)) throw conversationNotFound(id);
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM gateway.conversation_members WHERE conversation_id = $1 AND user_id = $2`,
      [id, callerId],
    );
    if (rows.length === 0) throw conversationNotFound(id);
  }
}
