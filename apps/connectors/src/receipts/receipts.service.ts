import { EventPublisher, type PublishRecord } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { InboundEvent } from '../channels';
import { CONNECTORS_CONFIG, type ConnectorSettings } from '../config';
import { receiptsExpired, receiptsParked, receiptsReleased } from '../connector-metrics';
import { SentMessageRepository } from '../sent-messages/sent-message.repository';
import { EarlyReceiptRepository } from './early-receipt.repository';
import { statusRecord } from './status-record';
import { ThreadReceiptRepository } from './thread-receipt.repository';

export type Receipt = Omit<Extract<InboundEvent, { kind: 'status' }>, 'kind'>;
export type ThreadReceipt = Omit<Extract<InboundEvent, { kind: 'thread-status' }>, 'kind'>;

const SWEEP_BATCH = 1_000;

// Receipts name the provider's message id, which we only know once the send's answer is recorded in
// sent_messages. A provider may call the webhook before that (its API answer and its webhook race,
// and our write of the answer can be retried for a while): such a receipt is parked in
// early_receipts, so the webhook can be acknowledged without losing it, and published as soon as the
// send is on record (right after the send, and by a sweep every CONNECTOR_RECEIPT_SWEEP_INTERVAL_MS for
// whatever a crash left).
// Receipts still unmatched after CONNECTOR_EARLY_RECEIPT_RETENTION_HOURS (a message sent by someone
// else on the same account, or a send whose answer a crash lost) are dropped and counted.
@Injectable()
export class Receipts implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Receipts.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly sent: SentMessageRepository,
    private readonly early: EarlyReceiptRepository,
    private readonly threads: ThreadReceiptRepository,
    private readonly publisher: EventPublisher,
    @Inject(CONNECTORS_CONFIG) private readonly settings: ConnectorSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), this.settings.receiptSweepIntervalMs).unref();
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
    const ours = await this.sent.byProviderIds(channel, receipts.map((r) => r.providerMessageId));
    const records: PublishRecord[] = [];
    const early: Receipt[] = [];
    for (const r of receipts) {
      const sent = ours.get(r.providerMessageId);
      if (sent) records.push(statusRecord(sent, r.status, r.at, r.providerMessageId, r.reason));
      else early.push(r);
    }
    if (early.length > 0) {
      await this.early.park(channel, early);
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
    const rows = await this.early.releasable(SWEEP_BATCH, channel, providerMessageIds);
    if (rows.length === 0) return 0;
    await this.publisher.publish(rows.map((r) => statusRecord(r, r.status, new Date(r.occurred_at), r.provider_message_id, r.reason)));
    await this.early.remove(rows);
    for (const r of rows) receiptsReleased.inc({ channel: r.channel });
    return rows.length;
  }

  /**
   * Expands receipts that name a point in a thread (Messenger's watermarks, Instagram's "seen up to")
   * into the statuses of the messages sent to that contact up to it, from sent_messages, so any
   * instance expands any thread, also after a restart. Each message is marked with the furthest
   * status a thread receipt reported, in the transaction that publishes it: a repeated watermark
   * publishes nothing, and a failure to publish leaves the marks undone for the provider's redelivery.
   * The receipt is also kept (the contact's latest per status) before it is matched: a send it covers
   * whose answer is not recorded yet gets it when it is (threadStatusesOfSend), even if no later
   * receipt of the thread ever comes. Whichever of the two commits last sees the other's row.
   */
  async publishThreadStatuses(channel: string, receipts: readonly ThreadReceipt[]): Promise<void> {
    for (const r of receipts) {
      const [sentBy, throughId] = 'sentBy' in r.through ? [r.through.sentBy.toISOString(), null] : [null, r.through.providerMessageId];
      const point = { channel, contact: r.contact, status: r.status, sentBy, throughProviderMessageId: throughId };
      await this.threads.keep({ ...point, at: r.at });
      await this.applyThreadStatus(point, r.at);
    }
  }

  /** After a send is recorded: the contact's kept thread receipts that cover it (or any earlier send still unmarked). */
  async threadStatusesOfSend(channel: string, contact: string): Promise<void> {
    for (const k of await this.threads.of(channel, contact)) {
      const point = { channel, contact, status: k.status, sentBy: k.sent_by === null ? null : new Date(k.sent_by).toISOString(), throughProviderMessageId: k.through_provider_message_id };
      await this.applyThreadStatus(point, new Date(k.occurred_at));
    }
  }

  private async applyThreadStatus(point: Parameters<SentMessageRepository['markThreadStatus']>[1], at: Date): Promise<void> {
    await this.sent.transaction(async (tx) => {
      const covered = await this.sent.markThreadStatus(tx, point);
      if (covered.length > 0) await this.publisher.publish(covered.map((m) => statusRecord(m, point.status, at, m.provider_message_id)));
    });
  }

  /** Releases what a crash left parked, and drops receipts that never found their send. */
  async sweep(): Promise<void> {
    try {
      while ((await this.release()) === SWEEP_BATCH);
      await this.threads.expire(this.settings.earlyReceiptRetentionHours);
      for (const { channel, n } of await this.early.expire(this.settings.earlyReceiptRetentionHours)) {
        receiptsExpired.inc({ channel }, n);
        this.logger.warn({ channel, receipts: n, message: 'receipts for messages we have no record of sending: dropped' });
      }
    } catch (error) {
      this.logger.warn({ err: error, message: 'early receipts sweep failed (next one retries)' });
    }
  }
}
