import type { OutboundMessage } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SentRef } from '../receipts/status-record';

/** What happened to a message we were asked to send, once it is on record. */
export interface SendOutcome {
  outcome: 'sent' | 'failed';
  provider_message_id: string | null;
  failure_reason: string | null;
  status_published: boolean;
}

export interface NewSendOutcome {
  outcome: 'sent' | 'failed';
  providerMessageId: string | null;
  reason: string | null;
  attempts: number;
  startedAt: Date;
  /** The trace of the send (its consumer span), for the receipts that follow. */
  traceparent?: string;
}

// The SQL of connectors.sent_messages: each send's outcome, stored once (redelivery dedupe) before
// its status is published, and what receipts are matched against.
@Injectable()
export class SentMessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  async outcomeOf(messageId: string): Promise<SendOutcome | undefined> {
    const [row] = await this.dataSource.query<SendOutcome[]>(
      `SELECT outcome, provider_message_id, failure_reason, status_published FROM connectors.sent_messages WHERE message_id = $1`,
      [messageId],
    );
    return row;
  }

  /** The first outcome stored wins (a redelivered event finds it). */
  async record(message: OutboundMessage, o: NewSendOutcome): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO connectors.sent_messages (message_id, channel, conversation_id, external_contact, outcome, provider_message_id, failure_reason, attempts, send_started_at, traceparent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (message_id) DO NOTHING`,
      [message.message_id, message.channel, message.conversation_id, message.external_contact, o.outcome, o.providerMessageId, o.reason, o.attempts, o.startedAt.toISOString(), o.traceparent ?? null],
    );
  }

  async markStatusPublished(messageId: string): Promise<void> {
    await this.dataSource.query(`UPDATE connectors.sent_messages SET status_published = true WHERE message_id = $1`, [messageId]);
  }

  /** Forgets sends finished more than `days` ago. */
  async prune(days: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM connectors.sent_messages WHERE finished_at < now() - make_interval(days => $1)`, [days]);
  }

  async byProviderIds(channel: string, providerMessageIds: readonly string[]): Promise<Map<string, SentRef>> {
    const rows = await this.dataSource.query<(SentRef & { provider_message_id: string })[]>(
      `SELECT message_id, conversation_id, provider_message_id, traceparent FROM connectors.sent_messages WHERE channel = $1 AND provider_message_id = ANY($2::text[])`,
      [channel, providerMessageIds],
    );
    return new Map(rows.map((r) => [r.provider_message_id, r]));
  }

  /**
   * Marks with `status` the messages sent to `contact` up to a point of the thread (a time, or the
   * send of one provider message id) that no thread receipt has taken that far yet; returns them.
   */
  async markThreadStatus(
    tx: EntityManager,
    t: { channel: string; contact: string; status: 'DELIVERED' | 'READ'; sentBy: string | null; throughProviderMessageId: string | null },
  ): Promise<(SentRef & { provider_message_id: string })[]> {
    return tx.query<(SentRef & { provider_message_id: string })[]>(
      `WITH u AS (
         UPDATE connectors.sent_messages SET thread_status = $3
          WHERE channel = $1 AND external_contact = $2 AND outcome = 'sent'
            AND send_started_at <= COALESCE($4::timestamptz,
                  (SELECT send_started_at FROM connectors.sent_messages WHERE channel = $1 AND provider_message_id = $5))
            AND (thread_status IS NULL OR (thread_status = 'DELIVERED' AND $3 = 'READ'))
          RETURNING message_id, conversation_id, provider_message_id, traceparent)
       SELECT message_id, conversation_id, provider_message_id, traceparent FROM u`,
      [t.channel, t.contact, t.status, t.sentBy, t.throughProviderMessageId],
    );
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
