import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../channel-simulator';
import { graphErrorBody } from '../meta-graph';
import { SendApiSimulator, type SentThreadMessage } from '../send-api.simulator';
import { instagramCapabilities } from './instagram.capabilities';

// Instagram: after a send, the echo of the business's own message (part of the `messages` field on
// Instagram) and a read receipt naming the message (messaging_seen). No delivery receipts exist.
export class InstagramSimulator extends SendApiSimulator {
  readonly channel = 'instagram' as const;

  constructor(options: SimulatorOptions = {}) {
    super(options, instagramCapabilities, '17841405822304914', 'instagram');
  }

  // Instagram mids are base64 of an internal message key.
  protected newMid(): string {
    return Buffer.from(`ig_message_item:1:IGMessageThread:${this.accountId}:${BigInt(`0x${randomBytes(16).toString('hex')}`)}`).toString('base64url');
  }

  protected unknownRecipientError(): ReturnType<typeof graphErrorBody> {
    return graphErrorBody(100, '(#100) No matching user found', { subcode: 2534014 });
  }

  protected followUps(sent: SentThreadMessage): Record<string, unknown>[] {
    const person = { id: sent.recipient };
    const account = { id: this.accountId };
    return [
      { sender: account, recipient: person, timestamp: sent.timestamp, message: { mid: sent.mid, text: sent.text, is_echo: true } },
      { sender: person, recipient: account, timestamp: sent.timestamp + 1_000, read: { mid: sent.mid } },
    ];
  }
}
