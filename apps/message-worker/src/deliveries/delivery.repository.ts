import type { MessageCreated, MessageStatus, MessageStatusEvent } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface DeliveryView {
  messageId: string;
  status: string;
  failureReason: string | null;
  history: { status: string; at: Date }[];
}

/** A message whose status a write moved. */
export interface MovedDelivery {
  message_id: string;
  seq: string;
}

const conversationLockKey = (conversationId: string): string => `conversation:${conversationId}`;

// The SQL of message_worker.deliveries, delivery_status_history and member_horizons. Writes run in the
// caller's transaction (the one that also claims the event in the inbox).
@Injectable()
export class DeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * messages.created and conversations.read (or .delivered) of one conversation arrive on different topics, so two
   * consumers may apply them at once: without this lock, the read would find no delivery row yet while
   * the message, not yet seeing the read horizon, would be stored unread (a write skew under READ
   * COMMITTED). Held until the transaction ends.
   */
  async lockConversation(tx: EntityManager, conversationId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 42))`, [conversationLockKey(conversationId)]);
  }

  /**
   * messages.created's effect in one statement (message_worker.record_message): the inbox claim, the
   * conversation lock, the delivery row and its history, at the statuses of `statuses` that the other
   * members' horizons select (none reached, delivered, read). 'duplicate' if the consumer group had
   * the event already (nothing written). In `m`'s transaction if it has one, its own otherwise.
   */
  async recordMessage(
    m: EntityManager,
    consumerGroup: string,
    eventId: string,
    message: MessageCreated,
    statuses: Record<'none' | 'delivered' | 'read', readonly MessageStatus[]>,
  ): Promise<{ outcome: 'duplicate' } | { outcome: 'processed'; statuses: MessageStatus[] }> {
    const [row] = await m.query<{ outcome: 'duplicate' | 'processed'; statuses: MessageStatus[] | null }[]>(
      `SELECT outcome, statuses FROM message_worker.record_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        consumerGroup, eventId, message.message_id, message.conversation_id, message.seq, message.sender_id, message.channel, message.created_at,
        JSON.stringify(statuses), conversationLockKey(message.conversation_id),
      ],
    );
    return row.outcome === 'duplicate' ? { outcome: 'duplicate' } : { outcome: 'processed', statuses: row.statuses! };
  }

  /** Moves the status only from one of `from` (guarded: forward only); empty when it did not move. */
  async moveStatus(tx: EntityManager, s: MessageStatusEvent, from: readonly string[]): Promise<MovedDelivery[]> {
    return tx.query<MovedDelivery[]>(
      `WITH u AS (
         UPDATE message_worker.deliveries
            SET status = $2,
                failure_reason = CASE WHEN $2 = 'FAILED' THEN $3 ELSE failure_reason END,
                provider_message_id = COALESCE($4, provider_message_id)
          WHERE message_id = $1 AND status = ANY($5::text[])
          RETURNING message_id, seq)
       SELECT message_id, seq FROM u`,
      [s.message_id, s.status, s.reason ?? null, s.provider_message_id ?? null, from],
    );
  }

  async exists(tx: EntityManager, messageId: string): Promise<boolean> {
    return (await tx.query<unknown[]>(`SELECT 1 FROM message_worker.deliveries WHERE message_id = $1`, [messageId])).length > 0;
  }

  /** A repeated status (same message, same status) keeps its first time. */
  async addHistory(tx: EntityManager, messageId: string, status: string, at: string): Promise<void> {
    await tx.query(`INSERT INTO message_worker.delivery_status_history (message_id, status, occurred_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [messageId, status, at]);
  }

  /** Read horizons only advance. */
  async advanceReadHorizon(tx: EntityManager, conversationId: string, userId: string, readSeq: number): Promise<void> {
    await tx.query(
      `INSERT INTO message_worker.member_horizons (conversation_id, user_id, read_seq, delivered_seq) VALUES ($1, $2, $3, $3)
       ON CONFLICT (conversation_id, user_id) DO UPDATE
         SET read_seq = GREATEST(member_horizons.read_seq, EXCLUDED.read_seq),
             delivered_seq = GREATEST(member_horizons.delivered_seq, EXCLUDED.read_seq)`,
      [conversationId, userId, readSeq],
    );
  }

  async advanceDeliveredHorizon(tx: EntityManager, conversationId: string, userId: string, deliveredSeq: number): Promise<void> {
    await tx.query(
      `INSERT INTO message_worker.member_horizons (conversation_id, user_id, delivered_seq) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET delivered_seq = GREATEST(member_horizons.delivered_seq, EXCLUDED.delivered_seq)`,
      [conversationId, userId, deliveredSeq],
    );
  }

  /**
   * Marks DELIVERED (with history) the others' messages up to `deliveredSeq` that are in one of
   * `from`, in seq order: internal ones only, since a message to an external contact is delivered
   * when the provider says so, not when a fellow member's client received it.
   */
  async markDelivered(tx: EntityManager, d: { conversationId: string; deliveredSeq: number; receiverId: string; at: string }, from: readonly string[]): Promise<MovedDelivery[]> {
    return tx.query<MovedDelivery[]>(
      `WITH u AS (
         UPDATE message_worker.deliveries SET status = 'DELIVERED'
          WHERE conversation_id = $1 AND seq <= $2 AND sender_id <> $3 AND channel = 'internal' AND status = ANY($4::text[])
          RETURNING message_id, seq),
       h AS (INSERT INTO message_worker.delivery_status_history (message_id, status, occurred_at)
             SELECT message_id, 'DELIVERED', $5 FROM u ON CONFLICT DO NOTHING)
       SELECT message_id, seq FROM u ORDER BY seq`,
      [d.conversationId, d.deliveredSeq, d.receiverId, from, d.at],
    );
  }

  /** Marks READ (with history) the others' messages up to `readSeq` that are in one of `from`, in seq order. */
  async markRead(tx: EntityManager, r: { conversationId: string; readSeq: number; readerId: string; at: string }, from: readonly string[]): Promise<MovedDelivery[]> {
    return tx.query<MovedDelivery[]>(
      `WITH u AS (
         UPDATE message_worker.deliveries SET status = 'READ'
          WHERE conversation_id = $1 AND seq <= $2 AND sender_id <> $3 AND status = ANY($4::text[])
          RETURNING message_id, seq),
       h AS (INSERT INTO message_worker.delivery_status_history (message_id, status, occurred_at)
             SELECT message_id, 'READ', $5 FROM u ON CONFLICT DO NOTHING)
       SELECT message_id, seq FROM u ORDER BY seq`,
      [r.conversationId, r.readSeq, r.readerId, from, r.at],
    );
  }

  /**
   * Status and history of messages. History is in the order the statuses were reached, which is
   * their forward order (status never moves back); `at` is the time each one says it happened,
   * the provider's clock for receipts, so two steps may carry times out of order.
   */
  async withHistory(messageIds: readonly string[]): Promise<DeliveryView[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.dataSource.query<{ message_id: string; status: string; failure_reason: string | null; history: { status: string; at: string }[] | null }[]>(
      `SELECT d.message_id, d.status, d.failure_reason,
              (SELECT json_agg(json_build_object('status', h.status, 'at', h.occurred_at) ORDER BY array_position(ARRAY['ACCEPTED','SENT','DELIVERED','READ','FAILED'], h.status))
                 FROM message_worker.delivery_status_history h WHERE h.message_id = d.message_id) AS history
         FROM message_worker.deliveries d WHERE d.message_id = ANY($1::uuid[])`,
      [messageIds],
    );
    return rows.map((r) => ({
      messageId: r.message_id,
      status: r.status,
      failureReason: r.failure_reason,
      history: (r.history ?? []).map((h) => ({ status: h.status, at: new Date(h.at) })),
    }));
  }
}
