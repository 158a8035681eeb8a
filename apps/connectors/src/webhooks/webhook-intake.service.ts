import { createEnvelope, EventTypes, inboundEventId, inboundKey, Topics, toStorableText, type InboundMessage } from '@chat4all/contracts';
import { EventPublisher, type PublishRecord } from '@chat4all/kafka';
import { Inject, Injectable } from '@nestjs/common';
import type { InboundEvent } from '../channels';
import { CONNECTORS_CONFIG, type ConnectorSettings } from '../config';
import { Receipts } from '../receipts/receipts.service';

/** Kafka or PostgreSQL did not take a webhook's events: it must not be acknowledged (the provider delivers it again). */
export class WebhookNotRecordedError extends Error {}

type StatusEvent = Extract<InboundEvent, { kind: 'status' }>;
type ThreadStatusEvent = Extract<InboundEvent, { kind: 'thread-status' }>;

// What a verified, parsed webhook becomes: contacts' messages go to messages.inbound (one event id per
// provider message, so a redelivered webhook is the same event) and receipts to messages.status (our
// message found by the provider's id; a receipt that overtook our record of the send is parked until
// it is recorded, see Receipts). It returns once Kafka (or, for a parked receipt, PostgreSQL) has them.
@Injectable()
export class WebhookIntake {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly receipts: Receipts,
    @Inject(CONNECTORS_CONFIG) private readonly settings: ConnectorSettings,
  ) {}

  async record(channel: InboundMessage['channel'], events: readonly InboundEvent[]): Promise<void> {
    const statuses = events.filter((e): e is StatusEvent => e.kind === 'status');
    const threadStatuses = events.filter((e): e is ThreadStatusEvent => e.kind === 'thread-status');
    try {
      const records = [...this.inboundRecords(channel, events), ...(await this.receipts.statusRecords(channel, statuses))];
      if (records.length > 0) await this.publisher.publish(records);
      await this.receipts.publishThreadStatuses(channel, threadStatuses);
    } catch (error) {
      throw new WebhookNotRecordedError(`${channel} webhook not recorded`, { cause: error });
    }
  }

  private inboundRecords(channel: InboundMessage['channel'], events: readonly InboundEvent[]): PublishRecord[] {
    const max = this.settings.webhookMaxTextChars;
    return events.flatMap((e): PublishRecord[] => {
      if (e.kind !== 'message') return [];
      // What the contact wrote is not ours to refuse: a NUL or a broken surrogate is dropped or replaced, never a lost message.
      const chars = [...toStorableText(e.text)];
      const payload: InboundMessage = {
        channel,
        external_contact: e.from,
        provider_message_id: e.providerMessageId,
        payload: { type: 'text', text: chars.slice(0, max).join('') },
        received_at: e.at.toISOString(),
      };
      const key = inboundKey(payload);
      return [{ topic: Topics.messagesInbound, key, envelope: createEnvelope(EventTypes.messageInbound, key, payload, { eventId: inboundEventId(channel, e.providerMessageId) }) }];
    });
  }
}
