import { isUuid, MessageProblems, type MessageStatus, type MessageView, type MessageWithHistory, type SendMessageAccepted, type SendMessageRequest } from '@chat4all/contracts';
import { ProblemException } from '@chat4all/platform';
import type { deliveryV1 } from '@chat4all/proto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { conversationNotFound } from '../conversations/conversation-errors';
import { ConversationsService, type MemberHorizon } from '../conversations/conversations.service';
import { DeliveryClient } from '../delivery/delivery.client';
import { FileAccess } from '../files/file-access.service';
import { MessageAcceptService } from './message-accept.service';
import { requestHash } from './message.dto';
import { MessagesRepository, type MessageRow } from './messages.repository';

const messageNotFound = (id: string) => new ProblemException(MessageProblems.messageNotFound, `No message ${id} for this user.`);

export const HISTORY_PAGE_MAX = 500;

export type History =
  | { kind: 'not-found' }
  | { kind: 'reset-required'; lastSeq: number; horizons: MemberHorizon[] }
  | { kind: 'page'; lastSeq: number; messages: MessageRow[]; horizons: MemberHorizon[] };

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
    status: (d?.status ?? 'ACCEPTED') as MessageStatus,
    created_at: r.created_at.toISOString(),
  };
  if (d?.failureReason) view.failure_reason = d.failureReason;
  return view;
}

@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly accept: MessageAcceptService,
    private readonly conversations: ConversationsService,
    private readonly delivery: DeliveryClient,
    private readonly files: FileAccess,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** 202 once durable: the message row and its outbox event committed together (NFR-001). */
  async send(callerId: string, request: SendMessageRequest): Promise<{ body: SendMessageAccepted; replayed: boolean }> {
    // A file message carries the file's metadata, copied from file-service: only a COMPLETED file the
    // sender may see (their own, or one sent in a conversation of theirs).
    const payload = request.payload.type === 'file' ? { type: 'file' as const, ...(await this.files.attachment(callerId, request.payload.file_id)) } : request.payload;
    const outcome = await this.accept.acceptFromMember({
      messageId: request.message_id,
      conversationId: request.conversation_id,
      senderId: callerId,
      payload,
      requestHash: requestHash(request),
    });
    switch (outcome.kind) {
      case 'not-member':
        throw conversationNotFound(request.conversation_id);
      case 'conflict':
        throw new ProblemException(MessageProblems.messageIdConflict, `message_id ${request.message_id} was already used for a different message.`);
      case 'replayed':
        return { body: { message_id: request.message_id, seq: outcome.seq, status: 'ACCEPTED' }, replayed: true };
      case 'accepted':
        return { body: { message_id: request.message_id, seq: outcome.seq, status: 'ACCEPTED' }, replayed: false };
    }
  }

  /** One message with its status history; read from the primary, so visible as soon as the 202 was sent. */
  async get(callerId: string, id: string): Promise<MessageWithHistory> {
    if (!isUuid(id)) throw messageNotFound(id);
    const row = await this.messages.findById(id);
    if (!row || !(await this.conversations.isMember(callerId, row.conversation_id))) throw messageNotFound(id);
    const d = (await this.delivery.deliveries([id])).get(id);
    const history = d?.history?.length ? d.history : [{ status: 'ACCEPTED', at: row.created_at.toISOString() }];
    return { ...withDelivery(row, d), status_history: history.map((h) => ({ status: h.status as MessageStatus, at: h.at })) };
  }

  async timeline(callerId: string, conversationId: string, q: { after_seq?: number; before_seq?: number; limit: number }): Promise<{ messages: MessageView[] }> {
    await this.conversations.assertMember(callerId, conversationId);
    // Only before_seq: the latest page before it, returned in seq order.
    const newestFirst = q.before_seq !== undefined && q.after_seq === undefined;
    const rows = await this.messages.page(conversationId, q.after_seq ?? 0, q.before_seq, q.limit, newestFirst);
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

  /**
   * Messages after `afterSeq`, in seq order, for a member (realtime's replay on resume). A gap wider
   * than the replay window (REPLAY_MAX_MESSAGES) is reset-required: the client reloads over REST.
   * Horizons matter once the replay is over: only the last page (shorter than the limit) has them.
   */
  async history(userId: string, conversationId: string, afterSeq: number, limit: number | undefined): Promise<History> {
    const lastSeq = await this.conversations.lastSeqFor(userId, conversationId);
    if (lastSeq === undefined) return { kind: 'not-found' };
    if (lastSeq - afterSeq > this.config.replayMaxMessages) {
      return { kind: 'reset-required', lastSeq, horizons: await this.conversations.horizons(conversationId) };
    }
    const pageSize = Math.min(Math.max(limit || HISTORY_PAGE_MAX, 1), HISTORY_PAGE_MAX);
    const messages = await this.messages.page(conversationId, afterSeq, undefined, pageSize, false);
    const horizons = messages.length < pageSize ? await this.conversations.horizons(conversationId) : [];
    return { kind: 'page', lastSeq, messages, horizons };
  }
}
