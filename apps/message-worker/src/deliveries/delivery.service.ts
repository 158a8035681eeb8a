import {
  conversationReadSchema,
  createEnvelope,
  EventTypes,
  messageCreatedSchema,
  messageStatusSchema,
  nameUuid,
  outboundTopic,
  ServerFrames,
  statusesBefore,
  type ConversationFrame,
  type EventEnvelope,
  type MessageCreated,
  type OutboundMessage,
} from '@chat4all/contracts';
import { EventPublisher } from '@chat4all/kafka';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { WORKER_CONFIG, type MessageWorkerConfig } from '../config';
import { acceptToProcessed, statusIgnored } from '../pipeline/worker-metrics';
import { RealtimePublisher } from './realtime-publisher';

export type Effect = 'processed' | 'duplicate';

export const MAX_STATUS_FRAMES_PER_READ = 100;

export interface DeliveryView {
  messageId: string;
  status: string;
  failureReason: string | null;
  history: { status: string; at: Date }[];
}

/** A failure worth retrying: the same event may well succeed later. */
export class RetryableError extends Error {}

/** Stable id of the outbound event of a message, so a re-sent copy is recognisably the same event. */
export const outboundEventId = (messageId: string): string => nameUuid(`outbound:${messageId}`);

/**
 * messages.created and conversations.read of one conversation arrive on different topics, so two
 * consumers may apply them at once: without this lock, the read would find no delivery row yet while
 * the message, not yet seeing the read horizon, would be stored unread (a write skew under READ
 * COMMITTED). Held until the transaction ends.
 */
const lockConversation = (tx: EntityManager, conversationId: string) =>
  tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 42))`, [`conversation:${conversationId}`]);

// The effects of the message pipeline, each in one transaction with its inbox row, so an event
// delivered twice (the relay and Kafka are at-least-once) takes effect once (ARCHITECTURE §2).
@Injectable()
export class DeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly realtime: RealtimePublisher,
    @Inject(WORKER_CONFIG) private readonly config: MessageWorkerConfig['worker'],
  ) {}

  /** messages.created: record the delivery; route external-channel messages to their connector. */
  messageCreated(envelope: EventEnvelope): Promise<Effect> {
    const m = messageCreatedSchema.parse(envelope.payload);
    return this.once(envelope, async (tx) => {
      await lockConversation(tx, m.conversation_id);
      // Internal conversations and contacts' own messages have no provider in between.
      const internal = m.channel === 'internal' || m.origin === 'contact';
      // Another member may already have read past it (conversations.read is its own topic).
      const readAlready = await tx.query<unknown[]>(
        `SELECT 1 FROM message_worker.read_horizons WHERE conversation_id = $1 AND user_id <> $2 AND read_seq >= $3 LIMIT 1`,
        [m.conversation_id, m.sender_id, m.seq],
      );
      // Without a provider in between, processed means sent to the members.
      const reached = ['ACCEPTED', ...(internal ? ['SENT'] : []), ...(readAlready.length > 0 ? ['READ'] : [])];
      await tx.query(
        `INSERT INTO message_worker.deliveries (message_id, conversation_id, seq, sender_id, channel, status, accepted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [m.message_id, m.conversation_id, m.seq, m.sender_id, m.channel, reached.at(-1), m.created_at],
      );
      await tx.query(
        `INSERT INTO message_worker.delivery_status_history (message_id, status, occurred_at)
         SELECT $1, s, CASE WHEN s = 'ACCEPTED' THEN $2::timestamptz ELSE now() END FROM unnest($3::text[]) s`,
        [m.message_id, m.created_at, reached],
      );
      // Published before the commit: if the commit then fails the event is redelivered and published
      // again with the same event id, which the connector's inbox drops.
      if (!internal) await this.route(m);
      acceptToProcessed.observe((Date.now() - Date.parse(m.created_at)) / 1000);
      return [ServerFrames.messageCreated(m.conversation_id, m.seq, { message_id: m.message_id, sender_id: m.sender_id, payload: m.payload, created_at: m.created_at })];
    });
  }

  /** messages.status: a receipt moves the status forward only; late or repeated ones change nothing. */
  messageStatus(envelope: EventEnvelope): Promise<Effect> {
    const s = messageStatusSchema.parse(envelope.payload);
    return this.once(envelope, async (tx) => {
      const moved = await tx.query<{ message_id: string; seq: string }[]>(
        `WITH u AS (
           UPDATE message_worker.deliveries
              SET status = $2,
                  failure_reason = CASE WHEN $2 = 'FAILED' THEN $3 ELSE failure_reason END,
                  provider_message_id = COALESCE($4, provider_message_id)
            WHERE message_id = $1 AND status = ANY($5::text[])
            RETURNING message_id, seq)
         SELECT message_id, seq FROM u`,
        [s.message_id, s.status, s.reason ?? null, s.provider_message_id ?? null, statusesBefore(s.status)],
      );
      if (moved.length === 0) {
        const known = await tx.query<unknown[]>(`SELECT 1 FROM message_worker.deliveries WHERE message_id = $1`, [s.message_id]);
        // A receipt can overtake its message (different topics): retried, then dead-lettered.
        if (known.length === 0) throw new RetryableError(`status ${s.status} for unknown message ${s.message_id}`);
        statusIgnored.inc();
        return [];
      }
      await tx.query(
        `INSERT INTO message_worker.delivery_status_history (message_id, status, occurred_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [s.message_id, s.status, s.at],
      );
      return [ServerFrames.messageStatus(s.conversation_id, Number(moved[0].seq), s)];
    });
  }

  /** conversations.read: the reader has now read every earlier message of the others. */
  conversationRead(envelope: EventEnvelope): Promise<Effect> {
    const r = conversationReadSchema.parse(envelope.payload);
    return this.once(envelope, async (tx) => {
      await lockConversation(tx, r.conversation_id);
      await tx.query(
        `INSERT INTO message_worker.read_horizons (conversation_id, user_id, read_seq) VALUES ($1, $2, $3)
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_seq = GREATEST(read_horizons.read_seq, EXCLUDED.read_seq)`,
        [r.conversation_id, r.user_id, r.read_seq],
      );
      const read = await tx.query<{ message_id: string; seq: string }[]>(
        `WITH u AS (
           UPDATE message_worker.deliveries SET status = 'READ'
            WHERE conversation_id = $1 AND seq <= $2 AND sender_id <> $3 AND status = ANY($4::text[])
            RETURNING message_id, seq),
         h AS (INSERT INTO message_worker.delivery_status_history (message_id, status, occurred_at)
               SELECT message_id, 'READ', $5 FROM u ON CONFLICT DO NOTHING)
         SELECT message_id, seq FROM u ORDER BY seq`,
        [r.conversation_id, r.read_seq, r.user_id, statusesBefore('READ'), r.at],
      );
      // The read frame says it all (every message up to seq); per-message frames follow for the
      // latest ones, bounded so one read of a long backlog stays one small burst.
      const frames: ConversationFrame[] = [ServerFrames.conversationRead(r.conversation_id, r.read_seq, r.user_id)];
      for (const m of read.slice(-MAX_STATUS_FRAMES_PER_READ)) {
        frames.push(ServerFrames.messageStatus(r.conversation_id, Number(m.seq), { message_id: m.message_id, status: 'READ', at: r.at }));
      }
      return frames;
    });
  }

  /**
   * Status and history of messages. History is in the order the statuses were reached, which is
   * their forward order (status never moves back); `at` is the time each one says it happened,
   * the provider's clock for receipts, so two steps may carry times out of order.
   */
  async deliveries(messageIds: readonly string[]): Promise<DeliveryView[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.dataSource.query<{ message_id: string; status: string; failure_reason: string | null; history: { status: string; at: string }[] }[]>(
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

  private async route(m: MessageCreated): Promise<void> {
    if (m.channel === 'internal' || m.external_contact === null || m.origin === 'contact') return;
    const outbound: OutboundMessage = { ...m, channel: m.channel, external_contact: m.external_contact };
    await this.publisher.publish([
      {
        topic: outboundTopic(m.channel),
        key: m.conversation_id,
        envelope: createEnvelope(EventTypes.messageOutbound, m.conversation_id, outbound, { eventId: outboundEventId(m.message_id) }),
      },
    ]);
  }

  /**
   * Runs the effect with the inbox row in one transaction; a known event id means it already ran.
   * The frames the effect returns go to realtime after the commit, never for a duplicate.
   */
  private async once(envelope: EventEnvelope, effect: (tx: EntityManager) => Promise<ConversationFrame[]>): Promise<Effect> {
    const outcome = await this.dataSource.transaction(async (tx) => {
      const claimed = await tx.query<unknown[]>(
        `INSERT INTO message_worker.processed_events (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.config.consumerGroup, envelope.event_id],
      );
      if (claimed.length === 0) return { effect: 'duplicate' as const, frames: [] };
      return { effect: 'processed' as const, frames: await effect(tx) };
    });
    await this.realtime.publish(outcome.frames);
    return outcome.effect;
  }
}
