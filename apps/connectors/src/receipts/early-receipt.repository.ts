import type { MessageStatusEvent } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SentRef } from './status-record';

/** A parked receipt whose send is now on record. */
export interface ReleasableReceipt extends SentRef {
  channel: string;
  provider_message_id: string;
  status: MessageStatusEvent['status'];
  reason: string | null;
  occurred_at: Date;
}

export interface ParkedReceipt {
  providerMessageId: string;
  status: MessageStatusEvent['status'];
  reason?: string;
  at: Date;
}

// The SQL of connectors.early_receipts: receipts that arrived before the send they are about was
// recorded in sent_messages, kept until it is.
@Injectable()
export class EarlyReceiptRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A receipt parked twice (the provider redelivering its webhook) is kept once. */
  async park(channel: string, receipts: readonly ParkedReceipt[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO connectors.early_receipts (channel, provider_message_id, status, reason, occurred_at)
       SELECT $1, p, s, r, o FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(p, s, r, o)
       ON CONFLICT DO NOTHING`,
      [channel, receipts.map((r) => r.providerMessageId), receipts.map((r) => r.status), receipts.map((r) => r.reason?.slice(0, 1000) ?? null), receipts.map((r) => r.at.toISOString())],
    );
  }

  /** Up to `limit` parked receipts whose send is on record (of the given channel and provider ids, or any), oldest first. */
  async releasable(limit: number, channel?: string, providerMessageIds?: readonly string[]): Promise<ReleasableReceipt[]> {
    return this.dataSource.query<ReleasableReceipt[]>(
      `SELECT r.channel, r.provider_message_id, r.status, r.reason, r.occurred_at, s.message_id, s.conversation_id, s.traceparent
         FROM connectors.early_receipts r
         JOIN connectors.sent_messages s ON s.channel = r.channel AND s.provider_message_id = r.provider_message_id
        WHERE ($1::text IS NULL OR r.channel = $1) AND ($2::text[] IS NULL OR r.provider_message_id = ANY($2::text[]))
        ORDER BY r.received_at
        LIMIT $3`,
      [channel ?? null, providerMessageIds ?? null, limit],
    );
  }

  async remove(rows: readonly Pick<ReleasableReceipt, 'channel' | 'provider_message_id' | 'status'>[]): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM connectors.early_receipts r USING unnest($1::text[], $2::text[], $3::text[]) AS d(channel, provider_message_id, status)
        WHERE r.channel = d.channel AND r.provider_message_id = d.provider_message_id AND r.status = d.status`,
      [rows.map((r) => r.channel), rows.map((r) => r.provider_message_id), rows.map((r) => r.status)],
    );
  }

  /** Drops receipts parked longer than `hours`; how many per channel. */
  async expire(hours: number): Promise<{ channel: string; n: number }[]> {
    // A SELECT around the DELETE: TypeORM answers a bare DELETE … RETURNING with [rows, count].
    return this.dataSource.query<{ channel: string; n: number }[]>(
      `WITH d AS (DELETE FROM connectors.early_receipts WHERE received_at < now() - make_interval(hours => $1) RETURNING channel)
       SELECT channel, count(*)::int AS n FROM d GROUP BY channel`,
      [hours],
    );
  }
}
