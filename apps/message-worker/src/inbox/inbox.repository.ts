import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

// message_worker.processed_events: the consumer inbox (FR-DP-04). An event's effect and its row
// commit in one transaction, so a redelivered event finds its row and is skipped.
@Injectable()
export class InboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** True if this call took the event id; false if it was processed before (a duplicate). */
  async claim(tx: EntityManager, consumerGroup: string, eventId: string): Promise<boolean> {
    const claimed = await tx.query<unknown[]>(
      `INSERT INTO message_worker.processed_events (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumerGroup, eventId],
    );
    return claimed.length > 0;
  }

  /** Inbox rows outlive any redelivery (Kafka keeps records 7 days); older ones are dropped. */
  async prune(): Promise<void> {
    await this.dataSource.query(`DELETE FROM message_worker.processed_events WHERE processed_at < now() - interval '8 days'`);
  }
}
