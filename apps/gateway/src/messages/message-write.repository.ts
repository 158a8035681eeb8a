import { createEnvelope, EventTypes, Topics, type ConversationRead, type MessageCreated } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { writeOutboxEvent } from '../outbox/outbox-writer';

export interface AcceptMessageInput {
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

class DuplicateRace extends Error {}

/**
 * Takes the conversation's next gapless seq (ARCHITECTURE §2): the UPDATE holds the conversation row
 * until the transaction ends, so concurrent writers queue there and seq order is commit order.
 */
export async function claimNextSeq(
  tx: EntityManager,
  conversationId: string,
): Promise<{ seq: number; channel: MessageCreated['channel']; externalContact: string | null; now: Date }> {
  // (Wrapped in a CTE: TypeORM returns [rows, count] for a bare UPDATE ... RETURNING.)
  const [row] = await tx.query<{ last_seq: string; channel: MessageCreated['channel']; external_contact: string | null; now: Date }[]>(
    `WITH next AS (UPDATE gateway.conversations SET last_seq = last_seq + 1, last_activity_at = now() WHERE id = $1
                   RETURNING last_seq, channel, external_contact)
     SELECT last_seq, channel, external_contact, now() AS now FROM next`,
    [conversationId],
  );
  return { seq: Number(row.last_seq), channel: row.channel, externalContact: row.external_contact, now: row.now };
}

// The write path (ARCHITECTURE §2): one transaction writes the message with the conversation's next
// gapless seq, its ACCEPTED status and its outbox event. The UPDATE on the conversation row is the
// per-conversation lock: concurrent writers queue there, so seq order is commit order. No NOTIFY
// here (it would serialise every commit); the relay polls.
@Injectable()
export class MessageWriteRepository {
  constructor(private readonly dataSource: DataSource) {}

  async accept(input: AcceptMessageInput): Promise<AcceptOutcome> {
    try {
      return await this.dataSource.transaction('READ COMMITTED', (tx) => this.acceptIn(tx, input));
    } catch (error) {
      // The same message_id committed by a concurrent request between our check and our insert:
      // our transaction (and the seq it took) is rolled back; answer as a retry would be answered.
      if (error instanceof DuplicateRace) return (await this.existing(this.dataSource.manager, input)) ?? { kind: 'conflict' };
      throw error;
    }
  }

  private async acceptIn(tx: EntityManager, input: AcceptMessageInput): Promise<AcceptOutcome> {
    const member = await tx.query<unknown[]>(
      `SELECT 1 FROM gateway.conversation_members WHERE conversation_id = $1 AND user_id = $2`,
      [input.conversationId, input.senderId],
    );
    if (member.length === 0) return { kind: 'not-member' };
    const previous = await this.existing(tx, input);
    if (previous) return previous;

    const counter = await claimNextSeq(tx, input.conversationId);
    const seq = counter.seq;
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO gateway.messages (id, conversation_id, seq, sender_id, payload, request_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [input.messageId, input.conversationId, seq, input.senderId, JSON.stringify(input.payload), input.requestHash, counter.now],
    );
    if (inserted.length === 0) throw new DuplicateRace();
    // Replying implies having read everything before: the sender's horizon moves to its own message
    // (so its own messages are never unread), and if that skipped others' messages, they become READ.
    const [horizon] = await tx.query<{ previous: string }[]>(
      `WITH old AS (SELECT read_seq FROM gateway.conversation_members WHERE conversation_id = $1 AND user_id = $2 FOR UPDATE),
            moved AS (UPDATE gateway.conversation_members SET read_seq = $3 WHERE conversation_id = $1 AND user_id = $2 AND read_seq < $3 RETURNING 1)
       SELECT old.read_seq AS previous FROM old`,
      [input.conversationId, input.senderId, seq],
    );

    const created: MessageCreated = {
      message_id: input.messageId,
      conversation_id: input.conversationId,
      seq,
      sender_id: input.senderId,
      channel: counter.channel,
      external_contact: counter.externalContact,
      payload: input.payload,
      created_at: counter.now.toISOString(),
      origin: 'member',
    };
    const envelope = createEnvelope(EventTypes.messageCreated, input.conversationId, created);
    await writeOutboxEvent(tx, Topics.messagesCreated, input.conversationId, envelope);
    const previousReadSeq = Number(horizon?.previous ?? seq);
    // After the message's own event, so consumers see the message before the read horizon passes it.
    if (previousReadSeq < seq - 1) {
      const read: ConversationRead = { conversation_id: input.conversationId, user_id: input.senderId, read_seq: seq, previous_read_seq: previousReadSeq, at: counter.now.toISOString() };
      await writeOutboxEvent(tx, Topics.conversationsRead, input.conversationId, createEnvelope(EventTypes.conversationRead, input.conversationId, read));
    }
    return { kind: 'accepted', seq };
  }

  private async existing(m: EntityManager, input: AcceptMessageInput): Promise<AcceptOutcome | undefined> {
    const [row] = await m.query<{ request_hash: string; seq: string; sender_id: string }[]>(
      `SELECT request_hash, seq, sender_id FROM gateway.messages WHERE id = $1`,
      [input.messageId],
    );
    if (!row) return undefined;
    if (row.request_hash !== input.requestHash || row.sender_id !== input.senderId) return { kind: 'conflict' };
    return { kind: 'replayed', seq: Number(row.seq) };
  }
}
