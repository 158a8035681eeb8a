import type { MessageContent, MessageCreated } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import type { OutboxRow } from '@chat4all/outbox';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  sender_id: string;
  origin: 'member' | 'contact';
  payload: MessageContent;
  created_at: Date;
}

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  payload: MessageCreated['payload'];
  requestHash: string;
  /** For a contact's message: the provider's channel and id (unique together). */
  provider?: { channel: string; messageId: string };
}

/** A message written with its conversation's next seq. */
export interface WrittenMessage {
  seq: number;
  /** The transaction's clock: the message's created_at. */
  now: Date;
}

/** What accepting a member's message did (gateway.accept_member_message). */
export type MemberAcceptResult =
  | { outcome: 'not-member' }
  | { outcome: 'written'; written: { request_hash: string; seq: string; sender_id: string } }
  | { outcome: 'accepted'; seq: number };

/** A message id that exists already: the write raised unique_violation on the primary key (nothing was written). */
export const isDuplicateMessage = (error: unknown): boolean => {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  return driverError?.code === '23505' && driverError.constraint === 'PK_messages';
};

const MESSAGE_COLUMNS = 'id, conversation_id, seq, sender_id, origin, payload, created_at';

// Every SQL statement on gateway.messages. Methods that take `tx` run inside the caller's transaction.
@Injectable()
export class MessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises a contact's inbound messages until the transaction ends. */
  async lockContact(tx: EntityManager, channel: string, externalContact: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`inbound:${channel}:${externalContact}`]);
  }

  async findById(id: string): Promise<MessageRow | undefined> {
    const [row] = await this.dataSource.query<MessageRow[]>(`SELECT ${MESSAGE_COLUMNS} FROM gateway.messages WHERE id = $1`, [id]);
    return row;
  }

  /**
   * A member's message, in one statement (its own transaction): membership, an earlier write of the
   * id, the write (gateway.write_message) and the sender's read horizon, with the messages.created
   * row and, if the horizon skips others' messages, the conversations.read row (both completed by the
   * database: see migration AcceptMessageFunctions1764041800000). A concurrent request that wrote the
   * same id first makes it throw (isDuplicateMessage).
   */
  async acceptMember(m: Omit<NewMessage, 'provider'>, created: OutboxRow, read: OutboxRow): Promise<MemberAcceptResult> {
    const [row] = await this.dataSource.query<{ outcome: MemberAcceptResult['outcome']; seq: string | null; request_hash: string | null; sender_id: string | null }[]>(
      `SELECT outcome, seq, request_hash, sender_id FROM gateway.accept_member_message($1, $2, $3, $4, $5, $6, $7, $8)`,
      [m.id, m.conversationId, m.senderId, JSON.stringify(m.payload), m.requestHash, fileIdOf(m.payload), JSON.stringify(created), JSON.stringify(read)],
    );
    if (row.outcome === 'not-member') return { outcome: 'not-member' };
    if (row.outcome === 'written') return { outcome: 'written', written: { request_hash: row.request_hash!, seq: row.seq!, sender_id: row.sender_id! } };
    return { outcome: 'accepted', seq: Number(row.seq) };
  }

  /** What a retry of the same message_id is compared with. */
  async findWritten(m: EntityManager, id: string): Promise<{ request_hash: string; seq: string; sender_id: string } | undefined> {
    const [row] = await m.query<{ request_hash: string; seq: string; sender_id: string }[]>(
      `SELECT request_hash, seq, sender_id FROM gateway.messages WHERE id = $1`,
      [id],
    );
    return row;
  }

  async findByProviderMessage(tx: EntityManager, channel: string, providerMessageId: string): Promise<{ id: string; conversation_id: string; seq: string } | undefined> {
    const [row] = await tx.query<{ id: string; conversation_id: string; seq: string }[]>(
      `SELECT id, conversation_id, seq FROM gateway.messages WHERE provider_channel = $1 AND provider_message_id = $2`,
      [channel, providerMessageId],
    );
    return row;
  }

  /** Messages with after < seq < before, `limit` of them from the low end, or from the high end if newestFirst. */
  async page(conversationId: string, afterSeq: number, beforeSeq: number | undefined, limit: number, newestFirst: boolean): Promise<MessageRow[]> {
    return this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS}
         FROM gateway.messages
        WHERE conversation_id = $1 AND seq > $2 AND ($3::bigint IS NULL OR seq < $3)
        ORDER BY seq ${newestFirst ? 'DESC' : 'ASC'} LIMIT $4`,
      [conversationId, afterSeq, beforeSeq ?? null, limit],
    );
  }

  /** Whether the user is a member of a conversation in which the file was sent (so may download or forward it). */
  async fileSharedWith(fileId: string, userId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM gateway.messages m JOIN gateway.conversation_members cm ON cm.conversation_id = m.conversation_id
        WHERE m.file_id = $1 AND cm.user_id = $2 LIMIT 1`,
      [fileId, userId],
    );
    return rows.length > 0;
  }

  /**
   * Takes the conversation's next gapless seq and writes the message and its messages.created row
   * (completed with seq, created_at, channel and contact by the database), in one statement: the seq
   * UPDATE holds the conversation's row until `tx` ends (concurrent writers queue there, so seq order
   * is commit order). A message id that exists already throws (isDuplicateMessage).
   */
  async insertWithNextSeq(tx: EntityManager, m: NewMessage, created: OutboxRow): Promise<WrittenMessage> {
    const [row] = await tx.query<{ seq: string; created_at: Date }[]>(
      `SELECT seq, created_at FROM gateway.write_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        m.id, m.conversationId, m.senderId, JSON.stringify(m.payload), m.requestHash, m.provider ? 'contact' : 'member',
        m.provider?.channel ?? null, m.provider?.messageId ?? null, fileIdOf(m.payload), JSON.stringify(created),
      ],
    );
    return { seq: Number(row.seq), now: row.created_at };
  }
}

const fileIdOf = (payload: MessageCreated['payload']): string | null => (payload.type === 'file' ? payload.file_id : null);
