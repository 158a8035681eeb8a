import { contactSenderId, createEnvelope, EventTypes, nameUuid, Topics, type ConversationRead, type ExternalChannel, type MessageCreated } from '@chat4all/contracts';
import { OutboxWriter } from '@chat4all/outbox';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ConversationsService } from '../conversations/conversations.service';
import { requestHash } from './message.dto';
import { isDuplicateMessage, MessagesRepository } from './messages.repository';

export interface MemberMessageInput {
  messageId: string;
  conversationId: string;
  senderId: string;
  payload: MessageCreated['payload'];
  requestHash: string;
}

export type AcceptOutcome =
  | { kind: 'accepted'; seq: number }
  | { kind: 'replayed'; seq: number }
  | { kind: 'conflict' }
  | { kind: 'not-member' };

export interface ContactMessageInput {
  channel: ExternalChannel;
  externalContact: string;
  providerMessageId: string;
  text: string;
  receivedAt: string;
}

export interface ContactMessageOutcome {
  messageId: string;
  conversationId: string;
  seq: number;
  created: boolean;
  conversationCreated: boolean;
}

/** No member is configured to receive a new contact's conversation (INBOUND_MEMBER_IDS). */
export class NoInboundMembersError extends Error {}

interface Accepted {
  messageId: string;
  conversationId: string;
  senderId: string;
  payload: MessageCreated['payload'];
  requestHash: string;
  contact?: { channel: ExternalChannel; externalContact: string; providerMessageId: string };
}

// Accepting a message (ARCHITECTURE §2), for a member (POST /v1/messages) and for an external
// contact (gRPC IngestInboundMessage) alike: one READ COMMITTED transaction (every connection's
// default, set at connect: no SET TRANSACTION round trip) takes the conversation's next gapless seq,
// writes the message and its messages.created outbox event (gateway.write_message). The seq UPDATE is
// the per-conversation lock: concurrent writers queue there, so seq order is commit order. A member's
// message is one round trip: gateway.accept_member_message runs the membership and duplicate check,
// the write and the read horizon as one statement (the relay's NOTIFY follows, see OutboxWriter).
@Injectable()
export class MessageAcceptService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsService,
    private readonly outbox: OutboxWriter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** A member's message: only into their own conversations; the same message_id again is a replay or a conflict. */
  async acceptFromMember(input: MemberMessageInput): Promise<AcceptOutcome> {
    // Replying implies having read everything before: the sender's horizon moves to its own message
    // (so its own messages are never unread), and if that skipped others' messages, they become READ
    // (the conversations.read row, written after the message's own event, so consumers see the message
    // before the read horizon passes it). The database fills in seq, clocks and horizons.
    const created = this.outbox.row(Topics.messagesCreated, input.conversationId, createEnvelope(EventTypes.messageCreated, input.conversationId, this.created(input)));
    const read: ConversationRead = { conversation_id: input.conversationId, user_id: input.senderId, read_seq: 0, previous_read_seq: 0, at: '' };
    const readRow = this.outbox.row(Topics.conversationsRead, input.conversationId, createEnvelope(EventTypes.conversationRead, input.conversationId, read));
    try {
      const result = await this.messages.acceptMember(
        { id: input.messageId, conversationId: input.conversationId, senderId: input.senderId, payload: input.payload, requestHash: input.requestHash },
        created,
        readRow,
      );
      if (result.outcome === 'not-member') return { kind: 'not-member' };
      if (result.outcome === 'written') return this.compared(result.written, input);
      this.outbox.written(this.dataSource.manager);
      return { kind: 'accepted', seq: result.seq };
    } catch (error) {
      // The same message_id committed by a concurrent request between our check and our insert:
      // our statement (and the seq it took) is rolled back; answer as a retry would be answered.
      if (isDuplicateMessage(error)) return (await this.existing(this.dataSource.manager, input)) ?? { kind: 'conflict' };
      throw error;
    }
  }

  /**
   * A message an external contact wrote (from messages.inbound, through message-worker). Serialised
   * per contact by an advisory lock: a redelivered webhook message stops at its (channel,
   * provider_message_id); otherwise it goes to the contact's latest conversation, or to a new one with
   * the inbox members (INBOUND_MEMBER_IDS), written exactly like a member's message.
   */
  async acceptFromContact(input: ContactMessageInput): Promise<ContactMessageOutcome> {
    const sender = contactSenderId(input.channel, input.externalContact);
    const members = this.config.inboundMemberIds;
    const outcome = await this.dataSource.transaction(async (tx): Promise<ContactMessageOutcome> => {
      await this.messages.lockContact(tx, input.channel, input.externalContact);
      const existing = await this.messages.findByProviderMessage(tx, input.channel, input.providerMessageId);
      if (existing) return { messageId: existing.id, conversationId: existing.conversation_id, seq: Number(existing.seq), created: false, conversationCreated: false };

      let conversationId = await this.conversations.findLatestWithContact(tx, input.channel, input.externalContact);
      const conversationCreated = conversationId === undefined;
      if (conversationId === undefined) {
        if (members.length === 0) throw new NoInboundMembersError(`no conversation with ${input.channel} contact ${input.externalContact} and INBOUND_MEMBER_IDS is not set`);
        conversationId = await this.conversations.createIn(
          tx,
          { type: members.length > 1 ? 'group' : 'private', channel: input.channel, externalContact: input.externalContact, title: null, createdBy: sender },
          members,
        );
      }
      const messageId = nameUuid(`inbound-message:${input.channel}:${input.providerMessageId}`);
      const payload = { type: 'text' as const, text: input.text };
      const { seq } = await this.write(tx, {
        messageId,
        conversationId,
        senderId: sender,
        payload,
        requestHash: requestHash({ message_id: messageId, conversation_id: conversationId, payload }),
        contact: { channel: input.channel, externalContact: input.externalContact, providerMessageId: input.providerMessageId },
      });
      return { messageId, conversationId, seq, created: true, conversationCreated };
    });
    if (outcome.conversationCreated) await this.conversations.announceMembership(outcome.conversationId, members);
    return outcome;
  }

  /** The one write of a message (gateway.write_message): next seq, the row and its messages.created event. */
  private async write(tx: EntityManager, m: Accepted): Promise<{ seq: number; now: Date }> {
    const created = this.outbox.row(Topics.messagesCreated, m.conversationId, createEnvelope(EventTypes.messageCreated, m.conversationId, this.created(m)));
    const provider = m.contact && { channel: m.contact.channel, messageId: m.contact.providerMessageId };
    const written = await this.messages.insertWithNextSeq(tx, { id: m.messageId, conversationId: m.conversationId, senderId: m.senderId, payload: m.payload, requestHash: m.requestHash, provider }, created);
    this.outbox.written(tx);
    return written;
  }

  /** A messages.created payload without what the database assigns (seq, created_at, the conversation's channel and contact). */
  private created(m: Accepted): MessageCreated {
    return {
      message_id: m.messageId,
      conversation_id: m.conversationId,
      seq: 0,
      sender_id: m.senderId,
      channel: m.contact?.channel ?? 'internal',
      external_contact: m.contact?.externalContact ?? null,
      payload: m.payload,
      created_at: '',
      origin: m.contact ? 'contact' : 'member',
    };
  }

  private async existing(m: EntityManager, input: MemberMessageInput): Promise<AcceptOutcome | undefined> {
    const row = await this.messages.findWritten(m, input.messageId);
    return row && this.compared(row, input);
  }

  /** The same message_id again: a replay if it is the same request from the same sender, a conflict otherwise. */
  private compared(row: { request_hash: string; seq: string; sender_id: string }, input: MemberMessageInput): AcceptOutcome {
    if (row.request_hash !== input.requestHash || row.sender_id !== input.senderId) return { kind: 'conflict' };
    return { kind: 'replayed', seq: Number(row.seq) };
  }
}
