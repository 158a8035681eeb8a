import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../channel-simulator';
import { graphErrorBody } from '../meta-graph';
import { SendApiSimulator, type SentThreadMessage } from '../send-api.simulator';
import { messengerCapabilities } from './messenger.capabilities';
import { MESSENGER_ATTACHMENT_TYPES } from './messenger.connector';

// Messenger: after a send, a delivery receipt (the message's mid and a watermark) and a read
// receipt (a watermark only), as message_deliveries and message_reads webhooks do.
export class MessengerSimulator extends SendApiSimulator {
  readonly channel = 'messenger' as const;

  constructor(options: SimulatorOptions = {}) {
    super(options, messengerCapabilities, '106929381230219', 'page', MESSENGER_ATTACHMENT_TYPES);
  }

  protected newMid(): string {
    return `m_${randomBytes(48).toString('base64url')}`;
  }

  protected unknownRecipientError(): ReturnType<typeof graphErrorBody> {
    return graphErrorBody(100, '(#100) No matching user found', { subcode: 2018001 });
  }

  protected followUps(sent: SentThreadMessage): Record<string, unknown>[] {
    const person = { id: sent.recipient };
    const page = { id: this.accountId };
    return [
      { sender: person, recipient: page, delivery: { mids: [sent.mid], watermark: sent.timestamp } },
      { sender: person, recipient: page, timestamp: sent.timestamp + 1_000, read: { watermark: sent.timestamp } },
    ];
  }
}
