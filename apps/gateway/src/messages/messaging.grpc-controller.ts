import { EXTERNAL_CHANNELS, unstorableTextReason, type ExternalChannel } from '@chat4all/contracts';
import { messagingV1 } from '@chat4all/proto';
import { status } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { ConversationsService, type MemberHorizon } from '../conversations/conversations.service';
import { ReadHorizonService } from '../conversations/read-horizon.service';
import { MessageAcceptService, NoInboundMembersError } from './message-accept.service';
import { MessagesService } from './messages.service';

const notFound = () => new RpcException({ code: status.NOT_FOUND, message: 'no such conversation for this user' });
const toProtoHorizons = (hs: MemberHorizon[]): messagingV1.ReadHorizon[] =>
  hs.map((h) => ({ userId: h.userId, readSeq: String(h.readSeq), deliveredSeq: String(h.deliveredSeq) }));

// MessagingService (proto/chat4all/messaging/v1): how realtime replays the durable log on resume and
// learns a user's conversations, and how message-worker hands over contacts' messages. Translation
// only: the rules are in the services (gateway owns conversations and messages, ARCHITECTURE §1).
@Controller()
export class MessagingGrpcController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly accept: MessageAcceptService,
    private readonly horizons: ReadHorizonService,
  ) {}

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'GetHistory')
  async getHistory(req: messagingV1.GetHistoryRequest): Promise<messagingV1.GetHistoryResponse> {
    const history = await this.messages.history(req.userId, req.conversationId, Number(req.afterSeq || 0), req.limit);
    switch (history.kind) {
      case 'not-found':
        throw notFound();
      case 'reset-required':
        return { messages: [], resetRequired: true, lastSeq: String(history.lastSeq), readHorizons: toProtoHorizons(history.horizons) };
      case 'page':
        return {
          messages: history.messages.map((r) => ({
            messageId: r.id,
            conversationId: req.conversationId,
            seq: r.seq,
            senderId: r.sender_id,
            payloadJson: JSON.stringify(r.payload),
            status: '',
            createdAt: r.created_at.toISOString(),
          })),
          resetRequired: false,
          lastSeq: String(history.lastSeq),
          readHorizons: toProtoHorizons(history.horizons),
        };
    }
  }

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'ListMemberships')
  async listMemberships(req: messagingV1.ListMembershipsRequest): Promise<messagingV1.ListMembershipsResponse> {
    return { conversationIds: await this.conversations.memberships(req.userId) };
  }

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'CheckMembership')
  async checkMembership(req: messagingV1.CheckMembershipRequest): Promise<messagingV1.CheckMembershipResponse> {
    return { isMember: await this.conversations.isMember(req.userId, req.conversationId) };
  }

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'AcknowledgeDelivery')
  async acknowledgeDelivery(req: messagingV1.AcknowledgeDeliveryRequest): Promise<messagingV1.AcknowledgeDeliveryResponse> {
    const seq = Number(req.seq);
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'seq must be a positive integer' });
    const delivered = await this.horizons.acknowledgeDelivery(req.userId, req.conversationId, seq);
    if (delivered === undefined) throw notFound();
    return { deliveredSeq: String(delivered) };
  }

  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'IngestInboundMessage')
  async ingestInboundMessage(req: messagingV1.IngestInboundMessageRequest): Promise<messagingV1.IngestInboundMessageResponse> {
    const invalid = (what: string) => new RpcException({ code: status.INVALID_ARGUMENT, message: what });
    if (!(EXTERNAL_CHANNELS as readonly string[]).includes(req.channel)) throw invalid(`unknown channel '${req.channel}'`);
    if (!req.externalContact || req.externalContact.length > 200) throw invalid('external_contact must be 1-200 characters');
    if (!req.providerMessageId || req.providerMessageId.length > 200) throw invalid('provider_message_id must be 1-200 characters');
    if (Number.isNaN(Date.parse(req.receivedAt))) throw invalid('received_at must be an ISO 8601 time');
    // Connectors make a contact's text storable; what still is not would fail the insert on every retry.
    for (const [field, value] of [['external_contact', req.externalContact], ['provider_message_id', req.providerMessageId], ['text', req.text]] as const) {
      const reason = unstorableTextReason(value);
      if (reason) throw invalid(`${field} ${reason}`);
    }
    try {
      const r = await this.accept.acceptFromContact({
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
