import { messagingV1 } from '@chat4all/proto';
import { status } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { EXTERNAL_CHANNELS, type ExternalChannel } from '@chat4all/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { InboundIngestService, NoInboundMembersError } from './inbound-ingest.service';

export const HISTORY_PAGE_MAX = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new RpcException({ code: status.NOT_FOUND, message: 'no such conversation for this user' });

// MessagingService (proto/chat4all/messaging/v1): how realtime replays the durable log on resume and
// learns a user's conversations. gateway owns conversations and messages (ARCHITECTURE §1).
@Controller()
export class MessagingGrpcController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly inbound: InboundIngestService,
  ) {}

  /**
   * Messages after `after_seq`, in seq order, for a member. A gap wider than the replay window
   * (REPLAY_MAX_MESSAGES) answers reset_required: the client reloads the conversation over REST.
   */
  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'GetHistory')
  async getHistory(req: messagingV1.GetHistoryRequest): Promise<messagingV1.GetHistoryResponse> {
    if (!UUID.test(req.userId) || !UUID.test(req.conversationId)) throw notFound();
    const afterSeq = Number(req.afterSeq || 0);
    const [conversation] = await this.dataSource.query<{ last_seq: string }[]>(
      `SELECT c.last_seq FROM gateway.conversations c JOIN gateway.conversation_members m ON m.conversation_id = c.id AND m.user_id = $2 WHERE c.id = $1`,
      [req.conversationId, req.userId],
    );
    if (!conversation) throw notFound();
    const lastSeq = Number(conversation.last_seq);
    if (lastSeq - afterSeq > this.config.replayMaxMessages) {
      return { messages: [], resetRequired: true, lastSeq: String(lastSeq), readHorizons: await this.readHorizons(req.conversationId) };
    }
    const limit = Math.min(Math.max(req.limit || HISTORY_PAGE_MAX, 1), HISTORY_PAGE_MAX);
    const rows = await this.dataSource.query<{ id: string; seq: string; sender_id: string; payload: unknown; created_at: Date }[]>(
      `SELECT id, seq, sender_id, payload, created_at FROM gateway.messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [req.conversationId, afterSeq, limit],
    );
    // Read horizons matter once the replay is over: only the last page (shorter than the limit) has them.
    const readHorizons = rows.length < limit ? await this.readHorizons(req.conversationId) : [];
    return {
      messages: rows.map((r) => ({
        messageId: r.id,
        conversationId: req.conversationId,
        seq: r.seq,
        senderId: r.sender_id,
        payloadJson: JSON.stringify(r.payload),
        status: '',
        createdAt: r.created_at.toISOString(),
      })),
      resetRequired: false,
      lastSeq: String(lastSeq),
      readHorizons,
    };
  }

  private async readHorizons(conversationId: string): Promise<messagingV1.ReadHorizon[]> {
    const rows = await this.dataSource.query<{ user_id: string; read_seq: string }[]>(
      `SELECT user_id, read_seq FROM gateway.conversation_members WHERE conversation_id = $1 ORDER BY user_id`,
      [conversationId],
    );
    return rows.map((h) => ({ userId: h.user_id, readSeq: h.read_seq }));
  }

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'ListMemberships')
  async listMemberships(req: messagingV1.ListMembershipsRequest): Promise<messagingV1.ListMembershipsResponse> {
    if (!UUID.test(req.userId)) return { conversationIds: [] };
    const rows = await this.dataSource.query<{ conversation_id: string }[]>(`SELECT conversation_id FROM gateway.conversation_members WHERE user_id = $1`, [req.userId]);
    return { conversationIds: rows.map((r) => r.conversation_id) };
  }

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'CheckMembership')
  async checkMembership(req: messagingV1.CheckMembershipRequest): Promise<messagingV1.CheckMembershipResponse> {
    if (!UUID.test(req.userId) || !UUID.test(req.conversationId)) return { isMember: false };
    const rows = await this.dataSource.query<unknown[]>(`SELECT 1 FROM gateway.conversation_members WHERE conversation_id = $1 AND user_id = $2`, [
      req.conversationId,
      req.userId,
    ]);
    return { isMember: rows.length > 0 };
  }

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'IngestInboundMessage')
  async ingestInboundMessage(req: messagingV1.IngestInboundMessageRequest): Promise<messagingV1.IngestInboundMessageResponse> {
    const invalid = (what: string) => new RpcException({ code: status.INVALID_ARGUMENT, message: what });
    if (!(EXTERNAL_CHANNELS as readonly string[]).includes(req.channel)) throw invalid(`unknown channel '${req.channel}'`);
    if (!req.externalContact || req.externalContact.length > 200) throw invalid('external_contact must be 1-200 characters');
    if (!req.providerMessageId || req.providerMessageId.length > 200) throw invalid('provider_message_id must be 1-200 characters');
    if (Number.isNaN(Date.parse(req.receivedAt))) throw invalid('received_at must be an ISO 8601 time');
    try {
      const r = await this.inbound.ingest({
        channel: req.channel as ExternalChannel,
        externalContact: req.externalContact,
        providerMessageId: req.providerMessageId,
        text: req.text,
        receivedAt: req.receivedAt,
      });
      return { messageId: r.messageId, conversationId: r.conversationId, seq: String(r.seq), created: r.created, conversationCreated: r.conversationCreated };
    } catch (error) {
      if (error instanceof NoInboundMembersError) throw new RpcException({ code: status.FAILED_PRECONDITION, message: error.message });
      throw error;
    }
  }
}
