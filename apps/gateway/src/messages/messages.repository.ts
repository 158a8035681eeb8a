import type { MessageContent, MessageCreated } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

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
  channel: MessageCreated['channel'];
  externalContact: string | null;
  /** The transaction's clock: the message's created_at. */
  now: Date;
}

/** What a member's new message is checked against: their membership, and a message of that id already written. */
export interface AcceptContext {
  member: boolean;
  written?: { request_hash: string; seq: string; sender_id: string };
}

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

  /** Membership and an earlier write of the message id, in one round trip. */
  async acceptContext(tx: EntityManager, conversationId: string, senderId: string, messageId: string): Promise<AcceptContext> {
    const [row] = await tx.query<{ member: boolean; request_hash: string | null; seq: string | null; sender_id: string | null }[]>(
      `SELECT EXISTS (SELECT 1 FROM gateway.conversation_members WHERE conversation_id = $1 AND user_id = $2) AS member,
              m.request_hash, m.seq, m.sender_id
         FROM (SELECT 1) one LEFT JOIN gateway.messages m ON m.id = $3`,
      [conversationId, senderId, messageId],
    );
    const written = row.seq === null ? undefined : { request_hash: row.request_hash!, seq: row.seq, sender_id: row.sender_id! };
    return { member: row.member, ...(written ? { written } : {}) };
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
   * Inserts the message; false if its id exists already (a concurrent request committed it). A
   * contact's message carries origin `contact` and its provider id.
   */
  /**
   * Takes the conversation's next gapless seq and writes the message with it, in one statement: the
   * seq UPDATE holds the conversation's row until `tx` ends (concurrent writers queue there, so seq
   * order is commit order). 'duplicate' if a message with that id exists (nothing written; the caller
   * rolls back the seq it took).
   */
  async insertWithNextSeq(tx: EntityManager, m: NewMessage): Promise<WrittenMessage | 'duplicate'> {
    const [row] = await tx.query<{ last_seq: string; channel: MessageCreated['channel']; external_contact: string | null; now: Date; inserted: boolean }[]>(
      `WITH next AS (UPDATE gateway.conversations SET last_seq = last_seq + 1, last_activity_at = now() WHERE id = $2
                     RETURNING last_seq, channel, external_contact),
            ins AS (INSERT INTO gateway.messages (id, conversation_id, seq, sender_id, payload, request_hash, created_at, origin, provider_channel, provider_message_id, file_id)
                    SELECT $1, $2, next.last_seq, $3, $4, $5, now(), $6, $7, $8, $9 FROM next
                    ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT last_seq, channel, external_contact, now() AS now, EXISTS (SELECT 1 FROM ins) AS inserted FROM next`,
      [
        m.id, m.conversationId, m.senderId, JSON.stringify(m.payload), m.requestHash, m.provider ? 'contact' : 'member',
        m.provider?.channel ?? null, m.provider?.messageId ?? null, m.payload.type === 'file' ? m.payload.file_id : null,
      ],
    );
    if (!row) throw new Error(`conversation ${m.conversationId} does not exist`);
    if (!row.inserted) return 'duplicate';
    return { seq: Number(row.last_seq), channel: row.channel, externalContact: row.external_contact, now: row.now };
  }
}
