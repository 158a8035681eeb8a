import { ProblemException } from '@chat4all/platform';
import type { deliveryV1 } from '@chat4all/proto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conversationNotFound, ConversationsService } from '../conversations/conversations.service';
import { requestHash, type SendMessageRequest } from './message.dto';
import { MessageWriteRepository } from './message-write.repository';
import { DeliveryClient } from '../delivery/delivery.client';

export interface MessageView {
  message_id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  /** `contact`: written by the external contact (sender_id then stands for that contact). */
  origin: 'member' | 'contact';
  payload: Record<string, unknown>;
  /** Absent only when the timeline was served while the message worker was unreachable. */
  status?: string;
  failure_reason?: string;
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
  origin: 'member' | 'contact';
  payload: Record<string, unknown>;
  created_at: Date;
}

const MESSAGE_COLUMNS = 'm.id, m.conversation_id, m.seq, m.sender_id, m.origin, m.payload, m.created_at';

// The gateway holds the message; the worker holds where it stands (ARCHITECTURE §1). Until the worker
// has processed it, a message is ACCEPTED since its creation: read-after-write holds (NFR-017).
function withDelivery(r: MessageRow, d: deliveryV1.Delivery | undefined): MessageView {
  const view: MessageView = {
    message_id: r.id,
    conversation_id: r.conversation_id,
    seq: Number(r.seq),
    sender_id: r.sender_id,
    origin: r.origin,
    payload: r.payload,
    status: d?.status ?? 'ACCEPTED',
    created_at: r.created_at.toISOString(),
  };
  if (d?.failureReason) view.failure_reason = d.failureReason;
  return view;
}

@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: MessageWriteRepository,
    private readonly conversations: ConversationsService,
    private readonly delivery: DeliveryClient,
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

  /** One message with its status history; read from the primary, so visible as soon as the 202 was sent. */
  async get(callerId: string, id: string): Promise<MessageView> {
    if (!UUID.test(id)) throw messageNotFound(id);
    const [row] = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS}
         FROM gateway.messages m
         JOIN gateway.conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id = $2
        WHERE m.id = $1`,
      [id, callerId],
    );
    if (!row) throw messageNotFound(id);
    const d = (await this.delivery.deliveries([id])).get(id);
    const history = d?.history?.length ? d.history : [{ status: 'ACCEPTED', at: row.created_at.toISOString() }];
    return { ...withDelivery(row, d), status_history: history.map((h) => ({ status: h.status, at: h.at })) };
  }

  async timeline(callerId: string, conversationId: string, q: { after_seq?: number; before_seq?: number; limit: number }): Promise<{ messages: MessageView[] }> {
    await this.conversations.assertMember(callerId, conversationId);
    // Only before_seq: the latest page before it, returned in seq order.
    const newestFirst = q.before_seq !== undefined && q.after_seq === undefined;
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS}
         FROM gateway.messages m
        WHERE m.conversation_id = $1 AND m.seq > $2 AND ($3::bigint IS NULL OR m.seq < $3)
        ORDER BY m.seq ${newestFirst ? 'DESC' : 'ASC'} LIMIT $4`,
      [conversationId, q.after_seq ?? 0, q.before_seq ?? null, q.limit],
    );
    const ordered = newestFirst ? rows.reverse() : rows;
    try {
      const deliveries = await this.delivery.deliveries(ordered.map((r) => r.id));
      return { messages: ordered.map((r) => withDelivery(r, deliveries.get(r.id))) };
    } catch (error) {
      // The timeline is the fallback when everything else is down: serve the messages, without status.
      this.logger.warn({ err: error, message: 'delivery state unavailable; timeline served without status' });
      return { messages: ordered.map((r) => ({ ...withDelivery(r, undefined), status: undefined })) };
    }
  }
}
