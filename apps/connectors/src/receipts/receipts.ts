import { createEnvelope, EventTypes, nameUuid, Topics, type MessageStatusEvent } from '@chat4all/contracts';
import { EventPublisher, type PublishRecord } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { InboundEvent } from '../channels';
import { CONNECTORS_CONFIG, type ConnectorSettings } from '../config';
import { receiptsExpired, receiptsParked, receiptsReleased } from '../connector-metrics';

export type Receipt = Omit<Extract<InboundEvent, { kind: 'status' }>, 'kind'>;
export type ThreadReceipt = Omit<Extract<InboundEvent, { kind: 'thread-status' }>, 'kind'>;

/** Our side of a send: the message a provider's id stands for. */
export interface SentRef {
  message_id: string;
  conversation_id: string;
}

/** The event id of a status we publish: the same status of the same message is the same event (the worker's inbox drops repeats). */
export const statusEventId = (messageId: string, status: string): string => nameUuid(`status:${messageId}:${status}`);

/** The messages.status record of one status of one of our messages. */
export function statusRecord(sent: SentRef, status: MessageStatusEvent['status'], at: Date, providerMessageId: string | null, reason?: string | null): PublishRecord {
  const payload: MessageStatusEvent = {
    message_id: sent.message_id,
    conversation_id: sent.conversation_id,
    status,
    ...(reason ? { reason: reason.slice(0, 1000) } : {}),
    ...(providerMessageId ? { provider_message_id: providerMessageId } : {}),
    at: at.toISOString(),
  };
  return {
    topic: Topics.messagesStatus,
    key: sent.conversation_id,
    envelope: createEnvelope(EventTypes.messageStatus, sent.conversation_id, payload, { eventId: statusEventId(sent.message_id, status) }),
  };
}

/** How often parked receipts are matched again (a crash between recording a send and releasing them) and expired. */
const SWEEP_INTERVAL_MS = 10_000;
const SWEEP_BATCH = 1_000;

interface ParkedRow extends SentRef {
  channel: string;
  provider_message_id: string;
  status: MessageStatusEvent['status'];
  reason: string | null;
  occurred_at: Date;
}

// Receipts name the provider's message id, which we only know once the send's answer is recorded in
// sent_messages. A provider may call the webhook before that (its API answer and its webhook race,
// and our write of the answer can be retried for a while): such a receipt is parked in
// early_receipts, so the webhook can be acknowledged without losing it, and published as soon as the
// send is on record (right after the send, and by a sweep every few seconds for whatever a crash left).
// Receipts still unmatched after CONNECTOR_EARLY_RECEIPT_RETENTION_HOURS (a message sent by someone
// else on the same account, or a send whose answer a crash lost) are dropped and counted.
@Injectable()
export class Receipts implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Receipts.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(CONNECTORS_CONFIG) private readonly settings: ConnectorSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
  }

  /**
   * The status records of a webhook's receipts whose send is on record. The others are parked first
   * (a failure throws: the webhook is not acknowledged and the provider delivers it again), then
   * matched once more, in case their send was recorded meanwhile.
   */
  async statusRecords(channel: string, receipts: readonly Receipt[]): Promise<PublishRecord[]> {
    if (receipts.length === 0) return [];
    const ours = await this.sentByProviderId(channel, receipts.map((r) => r.providerMessageId));
    const records: PublishRecord[] = [];
    const early: Receipt[] = [];
    for (const r of receipts) {
      const sent = ours.get(r.providerMessageId);
      if (sent) records.push(statusRecord(sent, r.status, r.at, r.providerMessageId, r.reason));
      else early.push(r);
    }
    if (early.length > 0) {
      await this.dataSource.query(
        `INSERT INTO connectors.early_receipts (channel, provider_message_id, status, reason, occurred_at)
         SELECT $1, p, s, r, o FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(p, s, r, o)
         ON CONFLICT DO NOTHING`,
        [channel, early.map((r) => r.providerMessageId), early.map((r) => r.status), early.map((r) => r.reason?.slice(0, 1000) ?? null), early.map((r) => r.at.toISOString())],
      );
      receiptsParked.inc({ channel }, early.length);
      // Whoever records the send after this point finds the parked rows; a send recorded before it is found here.
      await this.release(channel, early.map((r) => r.providerMessageId));
    }
    return records;
  }

  /**
   * Publishes the parked receipts whose send is now on record (those of the given provider ids, or
   * any), then forgets them. Publishing one twice (two callers at once) is harmless: the status
   * event id is the same, and the worker applies it once.
   */
  async release(channel?: string, providerMessageIds?: readonly string[]): Promise<number> {
    const rows = await this.dataSource.query<ParkedRow[]>(
      `SELECT r.channel, r.provider_message_id, r.status, r.reason, r.occurred_at, s.message_id, s.conversation_id
         FROM connectors.early_receipts r
         JOIN connectors.sent_messages s ON s.channel = r.channel AND s.provider_message_id = r.provider_message_id
        WHERE ($1::text IS NULL OR r.channel = $1) AND ($2::text[] IS NULL OR r.provider_message_id = ANY($2::text[]))
        ORDER BY r.received_at
        LIMIT ${SWEEP_BATCH}`,
      [channel ?? null, providerMessageIds ?? null],
    );
    if (rows.length === 0) return 0;
    await this.publisher.publish(rows.map((r) => statusRecord(r, r.status, new Date(r.occurred_at), r.provider_message_id, r.reason)));
    await this.dataSource.query(
      `DELETE FROM connectors.early_receipts r USING unnest($1::text[], $2::text[], $3::text[]) AS d(channel, provider_message_id, status)
        WHERE r.channel = d.channel AND r.provider_message_id = d.provider_message_id AND r.status = d.status`,
      [rows.map((r) => r.channel), rows.map((r) => r.provider_message_id), rows.map((r) => r.status)],
    );
    for (const r of rows) receiptsReleased.inc({ channel: r.channel });
    return rows.length;
  }

  /**
   * Expands receipts that name a point in a thread (Messenger's watermarks, Instagram's "seen up to")
   * into the statuses of the messages sent to that contact up to it, from sent_messages, so any
   * instance expands any thread, also after a restart. Each message is marked with the furthest
   * status a thread receipt reported, in the transaction that publishes it: a repeated watermark
   * publishes nothing, and a failure to publish leaves the marks undone for the provider's redelivery.
   * A message whose send is not recorded yet is left to the next receipt of the thread (they are cumulative).
   */
  async publishThreadStatuses(channel: string, receipts: readonly ThreadReceipt[]): Promise<void> {
    for (const r of receipts) {
      const [sentBy, throughId] = 'sentBy' in r.through ? [r.through.sentBy.toISOString(), null] : [null, r.through.providerMessageId];
      await this.dataSource.transaction(async (tx) => {
        const covered = await tx.query<(SentRef & { provider_message_id: string })[]>(
          `WITH u AS (
             UPDATE connectors.sent_messages SET thread_status = $3
              WHERE channel = $1 AND external_contact = $2 AND outcome = 'sent'
                AND send_started_at <= COALESCE($4::timestamptz,
                      (SELECT send_started_at FROM connectors.sent_messages WHERE channel = $1 AND provider_message_id = $5))
                AND (thread_status IS NULL OR (thread_status = 'DELIVERED' AND $3 = 'READ'))
              RETURNING message_id, conversation_id, provider_message_id)
           SELECT message_id, conversation_id, provider_message_id FROM u`,
          [channel, r.contact, r.status, sentBy, throughId],
        );
        if (covered.length > 0) await this.publisher.publish(covered.map((m) => statusRecord(m, r.status, r.at, m.provider_message_id)));
      });
    }
  }

  /** Releases what a crash left parked, and drops receipts that never found their send. */
  async sweep(): Promise<void> {
    try {
      while ((await this.release()) === SWEEP_BATCH);
      // A SELECT around the DELETE: TypeORM answers a bare DELETE … RETURNING with [rows, count].
      const expired = await this.dataSource.query<{ channel: string; n: number }[]>(
        `WITH d AS (DELETE FROM connectors.early_receipts WHERE received_at < now() - make_interval(hours => $1) RETURNING channel)
         SELECT channel, count(*)::int AS n FROM d GROUP BY channel`,
        [this.settings.earlyReceiptRetentionHours],
      );
      for (const { channel, n } of expired) {
        receiptsExpired.inc({ channel }, n);
        this.logger.warn({ channel, receipts: n, message: 'receipts for messages we have no record of sending: dropped' });
      }
    } catch (error) {
      this.logger.warn({ err: error, message: 'early receipts sweep failed (next one retries)' });
    }
  }

  private async sentByProviderId(channel: string, providerMessageIds: readonly string[]): Promise<Map<string, SentRef>> {
    const rows = await this.dataSource.query<(SentRef & { provider_message_id: string })[]>(
      `SELECT message_id, conversation_id, provider_message_id FROM connectors.sent_messages WHERE channel = $1 AND provider_message_id = ANY($2::text[])`,
      [channel, providerMessageIds],
    );
    return new Map(rows.map((r) => [r.provider_message_id, r]));
  }
}
