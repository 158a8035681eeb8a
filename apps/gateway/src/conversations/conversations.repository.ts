import type { ExternalChannel } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ConversationType } from './conversation.entity';

export interface ConversationRow {
  id: string;
  type: ConversationType;
  channel: 'internal' | ExternalChannel;
  external_contact: string | null;
  title: string | null;
  created_by: string;
  created_at: Date;
  last_seq: string;
  /** The member's own read horizon. */
  read_seq: string;
}

export interface ConversationSummaryRow {
  id: string;
  type: ConversationType;
  channel: 'internal' | ExternalChannel;
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

export interface NewConversation {
  type: ConversationType;
  channel: string;
  externalContact: string | null;
  title: string | null;
  createdBy: string;
}


/** A position in the conversation list's sort order: (last activity in µs since the epoch, id). */
export interface ListPosition {
  activityUs: string;
  id: string;
}

// Every SQL statement on gateway.conversations and gateway.conversation_members. Methods that take
// `tx` run inside the caller's transaction.
@Injectable()
export class ConversationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** "Is this user a member?": the one query behind every membership check (REST, gRPC, writes). */
  async isMember(conversationId: string, userId: string, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = await m.query<unknown[]>(`SELECT 1 FROM gateway.conversation_members WHERE conversation_id = $1 AND user_id = $2`, [conversationId, userId]);
    return rows.length > 0;
  }

  async insert(tx: EntityManager, c: NewConversation, memberIds: readonly string[]): Promise<string> {
    const [row] = await tx.query<{ id: string }[]>(
      `INSERT INTO gateway.conversations (type, channel, external_contact, title, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [c.type, c.channel, c.externalContact, c.title, c.createdBy],
    );
    await tx.query(`INSERT INTO gateway.conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[])`, [row.id, memberIds]);
    return row.id;
  }

  /** The conversation with the member's own read horizon; undefined if it does not exist or they are not a member. */
  async findForMember(id: string, userId: string): Promise<ConversationRow | undefined> {
    const [row] = await this.dataSource.query<ConversationRow[]>(
      `SELECT c.id, c.type, c.channel, c.external_contact, c.title, c.created_by, c.created_at, c.last_seq, m.read_seq
         FROM gateway.conversations c
         JOIN gateway.conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
        WHERE c.id = $1`,
      [id, userId],
    );
    return row;
  }

  /** Members in the order they joined. */
  async members(conversationId: string): Promise<{ user_id: string; read_seq: string; delivered_seq: string }[]> {
    return this.dataSource.query(`SELECT user_id, read_seq, delivered_seq FROM gateway.conversation_members WHERE conversation_id = $1 ORDER BY joined_at, user_id`, [conversationId]);
  }

  /** Every member's read horizon, by user id. */
  async horizons(conversationId: string): Promise<{ user_id: string; read_seq: string; delivered_seq: string }[]> {
    return this.dataSource.query(`SELECT user_id, read_seq, delivered_seq FROM gateway.conversation_members WHERE conversation_id = $1 ORDER BY user_id`, [conversationId]);
  }

  async conversationIdsOf(userId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ conversation_id: string }[]>(`SELECT conversation_id FROM gateway.conversation_members WHERE user_id = $1`, [userId]);
    return rows.map((r) => r.conversation_id);
  }

  /**
   * One page of a member's conversations, most recent activity first, after `after` if given: the
   * page is cut on the membership index first, then only its rows get their last message (unique
   * index on messages (conversation_id, seq)).
   */
  async listForMember(userId: string, after: ListPosition | undefined, limit: number, offset: number): Promise<ConversationSummaryRow[]> {
    return this.dataSource.query<ConversationSummaryRow[]>(
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
      [userId, after?.activityUs ?? null, after?.id ?? null, limit, offset],
    );
  }

  /** The contact's most recently active conversation on a channel. */
  async findLatestWithContact(tx: EntityManager, channel: string, externalContact: string): Promise<string | undefined> {
    const [row] = await tx.query<{ id: string }[]>(
      `SELECT id FROM gateway.conversations WHERE channel = $1 AND external_contact = $2 ORDER BY last_activity_at DESC LIMIT 1`,
      [channel, externalContact],
    );
    return row?.id;
  }

  /**
   * Moves the member's read horizon to `target` if that is forward and not past the last message, in
   * one statement that locks the member's row until the transaction ends. Returns the last seq and the
   * horizon as they were; undefined if not a member.
   */
  async advanceReadSeq(tx: EntityManager, conversationId: string, userId: string, target: number | undefined): Promise<{ lastSeq: number; previous: number } | undefined> {
    const [row] = await tx.query<{ last_seq: string; previous: string }[]>(
      `WITH old AS (SELECT c.last_seq, cm.read_seq, COALESCE($3::bigint, c.last_seq) AS target
                      FROM gateway.conversation_members cm JOIN gateway.conversations c ON c.id = cm.conversation_id
                     WHERE cm.conversation_id = $1 AND cm.user_id = $2 FOR UPDATE OF cm),
            moved AS (UPDATE gateway.conversation_members cm SET read_seq = old.target, delivered_seq = GREATEST(cm.delivered_seq, old.target) FROM old
                       WHERE cm.conversation_id = $1 AND cm.user_id = $2 AND old.target > old.read_seq AND old.target <= old.last_seq
                       RETURNING 1)
       SELECT old.last_seq, old.read_seq AS previous FROM old`,
      [conversationId, userId, target ?? null],
    );
    return row && { lastSeq: Number(row.last_seq), previous: Number(row.previous) };
  }

  /**
   * Moves the member's delivery horizon forward to `target`, never past the last message, in one
   * statement that locks the member's row until the transaction ends. Returns the horizon before and
   * after; undefined if not a member.
   */
  async advanceDeliveredSeq(tx: EntityManager, conversationId: string, userId: string, target: number): Promise<{ previous: number; current: number } | undefined> {
    const [row] = await tx.query<{ previous: string; current: string }[]>(
      `WITH old AS (SELECT cm.delivered_seq, LEAST($3::bigint, c.last_seq) AS target
                      FROM gateway.conversation_members cm JOIN gateway.conversations c ON c.id = cm.conversation_id
                     WHERE cm.conversation_id = $1 AND cm.user_id = $2 FOR UPDATE OF cm),
            moved AS (UPDATE gateway.conversation_members cm SET delivered_seq = old.target FROM old
                       WHERE cm.conversation_id = $1 AND cm.user_id = $2 AND old.target > old.delivered_seq
                       RETURNING 1)
       SELECT old.delivered_seq AS previous, GREATEST(old.delivered_seq, old.target) AS current FROM old`,
      [conversationId, userId, target],
    );
    return row && { previous: Number(row.previous), current: Number(row.current) };
  }
}
