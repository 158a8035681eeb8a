import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A thread receipt as kept: up to a time (`sentBy`) or up to one provider message's send. */
export interface KeptThreadReceipt {
  status: 'DELIVERED' | 'READ';
  sent_by: Date | null;
  through_provider_message_id: string | null;
  occurred_at: Date;
}

// The SQL of connectors.thread_receipts: each contact's latest thread receipt per status, for the
// sends recorded after it arrived.
@Injectable()
export class ThreadReceiptRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Keeps the receipt unless a later one (by the provider's time) is kept already. */
  async keep(
    r: { channel: string; contact: string; status: 'DELIVERED' | 'READ'; sentBy: string | null; throughProviderMessageId: string | null; at: Date },
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO connectors.thread_receipts AS t (channel, external_contact, status, sent_by, through_provider_message_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel, external_contact, status) DO UPDATE
          SET sent_by = excluded.sent_by, through_provider_message_id = excluded.through_provider_message_id,
              occurred_at = excluded.occurred_at, received_at = now()
        WHERE excluded.occurred_at >= t.occurred_at`,
      [r.channel, r.contact, r.status, r.sentBy, r.throughProviderMessageId, r.at.toISOString()],
    );
  }

  /** The contact's kept receipts, DELIVERED before READ (the order statuses move in). */
  async of(channel: string, contact: string): Promise<KeptThreadReceipt[]> {
    return this.dataSource.query<KeptThreadReceipt[]>(
      `SELECT status, sent_by, through_provider_message_id, occurred_at FROM connectors.thread_receipts
        WHERE channel = $1 AND external_contact = $2 ORDER BY status = 'READ'`,
      [channel, contact],
    );
  }

  /** Forgets receipts received more than `hours` ago: no send still in flight started before them. */
  async expire(hours: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM connectors.thread_receipts WHERE received_at < now() - make_interval(hours => $1)`, [hours]);
  }
}
