import { ProblemException } from '@chat4all/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GROUP_MIN_MEMBERS, type CreateConversationRequest } from './conversation.dto';

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

// Non-members get exactly the answer for a conversation that does not exist: no existence leak.
export const conversationNotFound = (id: string) =>
  new ProblemException('conversation-not-found', 404, 'Conversation not found', `No conversation ${id} for this user.`);

@Injectable()
export class ConversationsService {
  constructor(private readonly dataSource: DataSource) {}

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
