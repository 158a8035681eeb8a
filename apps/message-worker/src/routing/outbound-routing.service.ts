import { createEnvelope, EventTypes, nameUuid, outboundTopic, type MessageCreated, type OutboundMessage } from '@chat4all/contracts';
import { EventPublisher } from '@chat4all/kafka';
import { Injectable } from '@nestjs/common';

/** Stable id of the outbound event of a message, so a re-sent copy is recognisably the same event. */
export const outboundEventId = (messageId: string): string => nameUuid(`outbound:${messageId}`);

/** Internal conversations and contacts' own messages have no provider in between. */
export const viaProvider = (m: MessageCreated): boolean => m.channel !== 'internal' && m.origin !== 'contact';

// Routing (ARCHITECTURE §3): a member's message in an external-channel conversation goes to that
// channel's connector on messages.outbound.<channel>, keyed by conversation so it is sent in seq order.
@Injectable()
export class OutboundRouting {
  constructor(private readonly publisher: EventPublisher) {}

  /**
   * Published inside the worker's transaction, before its commit: if the commit then fails the event
   * is redelivered and published again with the same event id, which the connector's inbox drops.
   */
  async route(m: MessageCreated): Promise<void> {
    if (!viaProvider(m) || m.channel === 'internal' || m.external_contact === null) return;
    const outbound: OutboundMessage = { ...m, channel: m.channel, external_contact: m.external_contact };
    await this.publisher.publish([
      {
        topic: outboundTopic(m.channel),
        key: m.conversation_id,
        envelope: createEnvelope(EventTypes.messageOutbound, m.conversation_id, outbound, { eventId: outboundEventId(m.message_id) }),
      },
    ]);
  }
}
