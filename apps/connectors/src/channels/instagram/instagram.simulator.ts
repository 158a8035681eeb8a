import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from '../channel-simulator';
import { graphErrorBody } from '../meta-graph';
import { SendApiSimulator, type SentThreadMessage } from '../send-api.simulator';
import { instagramCapabilities } from './instagram.capabilities';
import { INSTAGRAM_ATTACHMENT_TYPES } from './instagram.connector';

// Instagram: after a send, the echo of the business's own message (part of the `messages` field on
// Instagram) and a read receipt naming the message (messaging_seen). No delivery receipts exist.
export class InstagramSimulator extends SendApiSimulator {
  readonly channel = 'instagram' as const;

  constructor(options: SimulatorOptions = {}) {
    super(options, instagramCapabilities, '17841405822304914', 'instagram', INSTAGRAM_ATTACHMENT_TYPES);
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
      { sender: account, recipient: person, timestamp: sent.timestamp, message: { mid: sent.mid, ...echoContent(sent), is_echo: true } },
      { sender: person, recipient: account, timestamp: sent.timestamp + 1_000, read: { mid: sent.mid } },
    ];
  }
}

/** The echo carries what was sent: the text, or the attachment with the platform's URL for it. */
function echoContent(sent: SentThreadMessage): Record<string, unknown> {
  if (!sent.attachment) return { text: sent.text };
  return { attachments: [{ type: sent.attachment.type, payload: { url: `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${sent.mid.slice(0, 16)}` } }] };
}
