import { contactSenderId, createEnvelope, EventTypes, nameUuid, Topics, type ExternalChannel, type MessageCreated } from '@chat4all/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ConversationsService } from '../conversations/conversations.service';
import { writeOutboxEvent } from '../outbox/outbox-writer';
import { requestHash } from './message.dto';
import { claimNextSeq } from './message-write.repository';

export interface InboundInput {
  channel: ExternalChannel;
  externalContact: string;
  providerMessageId: string;
  text: string;
  receivedAt: string;
}

export interface InboundOutcome {
  messageId: string;
  conversationId: string;
  seq: number;
  created: boolean;
  conversationCreated: boolean;
}

/** No member is configured to receive a new contact's conversation (INBOUND_MEMBER_IDS). */
export class NoInboundMembersError extends Error {}

// A message an external contact wrote, from messages.inbound (through message-worker). One
// transaction, serialised per contact by an advisory lock: find the message by (channel,
// provider_message_id) — a redelivered webhook stops here —, else find the contact's latest
// conversation or create one with the inbox members, then write the message with the next seq and
// its outbox event, exactly like a member's message (so realtime and the worker see it the same way).
@Injectable()
export class InboundIngestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async ingest(input: InboundInput): Promise<InboundOutcome> {
    const sender = contactSenderId(input.channel, input.externalContact);
    const members = this.config.inboundMemberIds;
    const outcome = await this.dataSource.transaction('READ COMMITTED', async (tx): Promise<InboundOutcome> => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`inbound:${input.channel}:${input.externalContact}`]);
      const [existing] = await tx.query<{ id: string; conversation_id: string; seq: string }[]>(
        `SELECT id, conversation_id, seq FROM gateway.messages WHERE provider_channel = $1 AND provider_message_id = $2`,
        [input.channel, input.providerMessageId],
      );
      if (existing) return { messageId: existing.id, conversationId: existing.conversation_id, seq: Number(existing.seq), created: false, conversationCreated: false };

      let conversationCreated = false;
      let [conversation] = await tx.query<{ id: string }[]>(
        `SELECT id FROM gateway.conversations WHERE channel = $1 AND external_contact = $2 ORDER BY last_activity_at DESC LIMIT 1`,
        [input.channel, input.externalContact],
      );
      if (!conversation) {
        if (members.length === 0) throw new NoInboundMembersError(`no conversation with ${input.channel} contact ${input.externalContact} and INBOUND_MEMBER_IDS is not set`);
        [conversation] = await tx.query<{ id: string }[]>(
          `INSERT INTO gateway.conversations (type, channel, external_contact, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
          [members.length > 1 ? 'group' : 'private', input.channel, input.externalContact, sender],
        );
        await tx.query(`INSERT INTO gateway.conversation_members (conversation_id, user_id) SELECT $1, unnest($2::uuid[])`, [conversation.id, members]);
        conversationCreated = true;
      }
      const counter = await claimNextSeq(tx, conversation.id);
      const seq = counter.seq;
      const messageId = nameUuid(`inbound-message:${input.channel}:${input.providerMessageId}`);
      const payload = { type: 'text' as const, text: input.text };
      await tx.query(
        `INSERT INTO gateway.messages (id, conversation_id, seq, sender_id, payload, request_hash, created_at, origin, provider_channel, provider_message_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'contact', $8, $9)`,
        [messageId, conversation.id, seq, sender, JSON.stringify(payload), requestHash({ message_id: messageId, conversation_id: conversation.id, payload }), counter.now, input.channel, input.providerMessageId],
      );
      const created: MessageCreated = {
        message_id: messageId,
        conversation_id: conversation.id,
        seq,
        sender_id: sender,
        channel: input.channel,
        external_contact: input.externalContact,
        payload,
        created_at: counter.now.toISOString(),
        origin: 'contact',
      };
      await writeOutboxEvent(tx, Topics.messagesCreated, conversation.id, createEnvelope(EventTypes.messageCreated, conversation.id, created));
      return { messageId, conversationId: conversation.id, seq, created: true, conversationCreated };
    });
    if (outcome.conversationCreated) await this.conversations.announceMembership(outcome.conversationId, members);
    return outcome;
  }
}
