import { ProblemException } from '@chat4all/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conversationNotFound, ConversationsService } from '../conversations/conversations.service';
import { requestHash, type SendMessageRequest } from './message.dto';
import { MessageWriteRepository } from './message-write.repository';

export interface MessageView {
  message_id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  payload: Record<string, unknown>;
  status: string;
  failure_reason?: string | null;
  created_at: string;
  status_history?: { status: string; at: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const messageNotFound = (id: string) => new ProblemException('message-not-found', 404, 'Message not found', `No message ${id} for this user.`);

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  sender_id: string;
  payload: Record<string, unknown>;
  status: string;
  failure_reason: string | null;
  created_at: Date;
}

const toView = (r: MessageRow): MessageView => ({
  message_id: r.id,
  conversation_id: r.conversation_id,
  seq: Number(r.seq),
  sender_id: r.sender_id,
  payload: r.payload,
  status: r.status,
  failure_reason: r.failure_reason,
  created_at: r.created_at.toISOString(),
});

@Injectable()
export class MessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: MessageWriteRepository,
    private readonly conversations: ConversationsService,
  ) {}

  /** 202 once durable: the message row and its outbox event committed together (NFR-001). */
  async send(callerId: string, request: SendMessageRequest): Promise<{ body: { message_id: string; seq: number; status: string }; replayed: boolean }> {
    const outcome = await this.writes.accept({
      messageId: request.message_id,
      conversationId: request.conversation_id,
      senderId: callerId,
      payload: request.payload,
      requestHash: requestHash(request),
    });
    switch (outcome.kind) {
      case 'not-member':
        throw conversationNotFound(request.conversation_id);
      case 'conflict':
        throw new ProblemException('message-id-conflict', 409, 'Message id already used', `message_id ${request.message_id} was already used for a different message.`);
      case 'replayed':
        return { body: { message_id: request.message_id, seq: outcome.seq, status: 'ACCEPTED' }, replayed: true };
      case 'accepted':
        return { body: { message_id: request.message_id, seq: outcome.seq, status: 'ACCEPTED' }, replayed: false };
    }
  }

  /** Read-after-write (NFR-017): served from the primary, visible as soon as the 202 was sent. */
  async get(callerId: string, id: string): Promise<MessageView> {
    if (!UUID.test(id)) throw messageNotFound(id);
    const [row] = await this.dataSource.query<MessageRow[]>(
      `SELECT m.id, m.conversation_id, m.seq, m.sender_id, m.payload, m.status, m.failure_reason, m.created_at
         FROM gateway.messages m
         JOIN gateway.conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id = $2
        WHERE m.id = $1`,
      [id, callerId],
    );
    if (!row) throw messageNotFound(id);
    const history = await this.dataSource.query<{ status: string; occurred_at: Date }[]>(
      `SELECT status, occurred_at FROM gateway.message_status_history WHERE message_id = $1 ORDER BY occurred_at, status`,
      [id],
    );
    return { ...toView(row), status_history: history.map((h) => ({ status: h.status, at: h.occurred_at.toISOString() })) };
  }

  async timeline(callerId: string, conversationId: string, q: { after_seq?: number; before_seq?: number; limit: number }): Promise<{ messages: MessageView[] }> {
    await this.conversations.assertMember(callerId, conversationId);
    // Only before_seq: the latest page before it, returned in seq order.
    const newestFirst = q.before_seq !== undefined && q.after_seq === undefined;
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT id, conversation_id, seq, sender_id, payload, status, failure_reason, created_at
         FROM gateway.messages
        WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq ${newestFirst ? 'DESC' : 'ASC'} LIMIT $4`,
      [conversationId, q.after_seq ?? 0, q.before_seq ?? null, q.limit],
    );
    const ordered = newestFirst ? rows.reverse() : rows;
    return { messages: ordered.map(toView) };
  }
}
