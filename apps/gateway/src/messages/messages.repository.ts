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
  seq: number;
  senderId: string;
  payload: MessageCreated['payload'];
  requestHash: string;
  createdAt: Date;
  /** For a contact's message: the provider's channel and id (unique together). */
  provider?: { channel: string; messageId: string };
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
  async insert(tx: EntityManager, m: NewMessage): Promise<boolean> {
    const inserted = await tx.query<unknown[]>(
      `INSERT INTO gateway.messages (id, conversation_id, seq, sender_id, payload, request_hash, created_at, origin, provider_channel, provider_message_id, file_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        m.id, m.conversationId, m.seq, m.senderId, JSON.stringify(m.payload), m.requestHash, m.createdAt, m.provider ? 'contact' : 'member',
        m.provider?.channel ?? null, m.provider?.messageId ?? null, m.payload.type === 'file' ? m.payload.file_id : null,
      ],
    );
    return inserted.length > 0;
  }
}
