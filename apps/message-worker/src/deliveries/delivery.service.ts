import { conversationDeliveredSchema, conversationReadSchema, messageCreatedSchema, messageStatusSchema, ServerFrames, statusesBefore, type ConversationFrame, type EventEnvelope } from '@chat4all/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { WORKER_CONFIG, type MessageWorkerConfig } from '../config';
import { InboxRepository } from '../inbox/inbox.repository';
import { acceptToProcessed, statusIgnored } from '../pipeline/worker-metrics';
import { OutboundRouting, viaProvider } from '../routing/outbound-routing.service';
import { DeliveryRepository } from './delivery.repository';
import { statusesOnArrival } from './delivery-status';
import { RealtimePublisher } from './realtime-publisher';

export type Effect = 'processed' | 'duplicate';

export const MAX_STATUS_FRAMES_PER_READ = 100;

/** The statuses a new message may go through, by whether others already received or read past it (record_message picks one). */
const arrivalStatuses = (viaProvider: boolean) => ({
  none: statusesOnArrival({ viaProvider, deliveredAlready: false, readAlready: false }),
  delivered: statusesOnArrival({ viaProvider, deliveredAlready: true, readAlready: false }),
  read: statusesOnArrival({ viaProvider, deliveredAlready: true, readAlready: true }),
});
const ARRIVAL_STATUSES = { internal: arrivalStatuses(false), viaProvider: arrivalStatuses(true) };

/** A failure worth retrying: the same event may well succeed later. */
export class RetryableError extends Error {}

// The effects of the message pipeline, each in one transaction with its inbox row, so an event
// delivered twice (the relay and Kafka are at-least-once) takes effect once (ARCHITECTURE §2).
@Injectable()
export class DeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: InboxRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly routing: OutboundRouting,
    private readonly realtime: RealtimePublisher,
    @Inject(WORKER_CONFIG) private readonly config: MessageWorkerConfig['worker'],
  ) {}

  /**
   * messages.created: record the delivery; route external-channel messages to their connector. The
   * frames: the message, then each status it reached beyond ACCEPTED, in order (the sender's UI
   * shows SENT as soon as the members can see the message).
   */
  async messageCreated(envelope: EventEnvelope): Promise<Effect> {
    const m = messageCreatedSchema.parse(envelope.payload);
    const external = viaProvider(m);
    const statuses = external ? ARRIVAL_STATUSES.viaProvider : ARRIVAL_STATUSES.internal;
    const group = this.config.consumerGroup;
    // One round trip for an internal message; one going to a connector is published inside the
    // transaction, so a failed publish undoes the claim and the event is retried.
    const recorded = external
      ? await this.dataSource.transaction(async (tx) => {
          const r = await this.deliveries.recordMessage(tx, group, envelope.event_id, m, statuses);
          if (r.outcome === 'processed') await this.routing.route(m);
          return r;
        })
      : await this.deliveries.recordMessage(this.dataSource.manager, group, envelope.event_id, m, statuses);
    if (recorded.outcome === 'duplicate') return 'duplicate';
    acceptToProcessed.observe((Date.now() - Date.parse(m.created_at)) / 1000);
    const at = new Date().toISOString();
    await this.realtime.publish([
      ServerFrames.messageCreated(m.conversation_id, m.seq, { message_id: m.message_id, sender_id: m.sender_id, payload: m.payload, created_at: m.created_at }),
      ...recorded.statuses.slice(1).map((status) => ServerFrames.messageStatus(m.conversation_id, m.seq, { message_id: m.message_id, status, at })),
    ]);
    return 'processed';
  }

  /** messages.status: a receipt moves the status forward only; late or repeated ones change nothing. */
  messageStatus(envelope: EventEnvelope): Promise<Effect> {
    const s = messageStatusSchema.parse(envelope.payload);
    return this.once(envelope, async (tx) => {
      const moved = await this.deliveries.moveStatus(tx, s, statusesBefore(s.status));
      if (moved.length === 0) {
        // A receipt can overtake its message (different topics): retried, then dead-lettered.
        if (!(await this.deliveries.exists(tx, s.message_id))) throw new RetryableError(`status ${s.status} for unknown message ${s.message_id}`);
        statusIgnored.inc();
        return [];
      }
      await this.deliveries.addHistory(tx, s.message_id, s.status, s.at);
      return [ServerFrames.messageStatus(s.conversation_id, Number(moved[0].seq), s)];
    });
  }

  /** conversations.read: the reader has now read every earlier message of the others. */
  conversationRead(envelope: EventEnvelope): Promise<Effect> {
    const r = conversationReadSchema.parse(envelope.payload);
    return this.once(envelope, async (tx) => {
      await this.deliveries.lockConversation(tx, r.conversation_id);
      await this.deliveries.advanceReadHorizon(tx, r.conversation_id, r.user_id, r.read_seq);
      const read = await this.deliveries.markRead(tx, { conversationId: r.conversation_id, readSeq: r.read_seq, readerId: r.user_id, at: r.at }, statusesBefore('READ'));
      // The read frame says it all (every message up to seq); per-message frames follow for the
      // latest ones, bounded so one read of a long backlog stays one small burst.
      const frames: ConversationFrame[] = [ServerFrames.conversationRead(r.conversation_id, r.read_seq, r.user_id)];
      for (const m of read.slice(-MAX_STATUS_FRAMES_PER_READ)) {
        frames.push(ServerFrames.messageStatus(r.conversation_id, Number(m.seq), { message_id: m.message_id, status: 'READ', at: r.at }));
      }
      return frames;
    });
  }

  /** conversations.delivered: the member's client received every earlier message of the others (internal ones become DELIVERED). */
  conversationDelivered(envelope: EventEnvelope): Promise<Effect> {
    const d = conversationDeliveredSchema.parse(envelope.payload);
    return this.once(envelope, async (tx) => {
      await this.deliveries.lockConversation(tx, d.conversation_id);
      await this.deliveries.advanceDeliveredHorizon(tx, d.conversation_id, d.user_id, d.delivered_seq);
      const delivered = await this.deliveries.markDelivered(
        tx,
        { conversationId: d.conversation_id, deliveredSeq: d.delivered_seq, receiverId: d.user_id, at: d.at },
        statusesBefore('DELIVERED'),
      );
      const frames: ConversationFrame[] = [ServerFrames.conversationDelivered(d.conversation_id, d.delivered_seq, d.user_id)];
      for (const m of delivered.slice(-MAX_STATUS_FRAMES_PER_READ)) {
        frames.push(ServerFrames.messageStatus(d.conversation_id, Number(m.seq), { message_id: m.message_id, status: 'DELIVERED', at: d.at }));
      }
      return frames;
    });
  }

  /**
   * Runs the effect with the inbox row in one transaction; a known event id means it already ran.
   * The frames the effect returns go to realtime after the commit, never for a duplicate.
   */
  private async once(envelope: EventEnvelope, effect: (tx: EntityManager) => Promise<ConversationFrame[]>): Promise<Effect> {
    const outcome = await this.dataSource.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, this.config.consumerGroup, envelope.event_id))) return { effect: 'duplicate' as const, frames: [] };
      return { effect: 'processed' as const, frames: await effect(tx) };
    });
    await this.realtime.publish(outcome.frames);
    return outcome.effect;
  }
}
