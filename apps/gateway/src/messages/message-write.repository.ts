import { createEnvelope, outboxBucket, Topics } from '@chat4all/contracts';
import { injectTraceHeaders } from '@chat4all/telemetry';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface AcceptMessageInput {
  messageId: string;
  conversationId: string;
  senderId: string;
  payload: Record<string, unknown>;
  requestHash: string;
}

export type AcceptOutcome =
  | { kind: 'accepted'; seq: number }
  | { kind: 'replayed'; seq: number; status: string }
  | { kind: 'conflict' }
  | { kind: 'not-member' };

class DuplicateRace extends Error {}

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

    // (Wrapped in a CTE: TypeORM returns [rows, count] for a bare UPDATE ... RETURNING.)
    const [counter] = await tx.query<{ last_seq: string }[]>(
      `WITH next AS (UPDATE gateway.conversations SET last_seq = last_seq + 1, last_message_at = now() WHERE id = $1 RETURNING last_seq)
       SELECT last_seq FROM next`,
      [input.conversationId],
    );
    const seq = Number(counter?.last_seq);
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO gateway.messages (id, conversation_id, seq, sender_id, payload, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [input.messageId, input.conversationId, seq, input.senderId, JSON.stringify(input.payload), input.requestHash],
    );
    if (inserted.length === 0) throw new DuplicateRace();
    await tx.query(`INSERT INTO gateway.message_status_history (message_id, status) VALUES ($1, 'ACCEPTED')`, [input.messageId]);

    const envelope = createEnvelope('message.created', input.conversationId, {
      message_id: input.messageId,
      conversation_id: input.conversationId,
      seq,
      sender_id: input.senderId,
      payload: input.payload,
    });
    await tx.query(
      `INSERT INTO gateway.outbox_events (event_id, topic, partition_key, bucket, event_type, envelope, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        envelope.event_id,
        Topics.messagesCreated,
        input.conversationId,
        outboxBucket(input.conversationId),
        envelope.type,
        JSON.stringify(envelope),
        JSON.stringify(injectTraceHeaders({})),
      ],
    );
    return { kind: 'accepted', seq };
  }

  private async existing(m: EntityManager, input: AcceptMessageInput): Promise<AcceptOutcome | undefined> {
    const [row] = await m.query<{ request_hash: string; seq: string; status: string; sender_id: string }[]>(
      `SELECT request_hash, seq, status, sender_id FROM gateway.messages WHERE id = $1`,
      [input.messageId],
    );
    if (!row) return undefined;
    if (row.request_hash !== input.requestHash || row.sender_id !== input.senderId) return { kind: 'conflict' };
    return { kind: 'replayed', seq: Number(row.seq), status: row.status };
  }
}
