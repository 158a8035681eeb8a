import type { ExternalChannel, OutboundMessage } from '@chat4all/contracts';
import { randomUUID } from 'node:crypto';

let contacts = 0;
/** A fresh contact id that every platform accepts (digits: a phone number, a PSID, a chat id). */
export const newContact = (): string => `1555${String(1_000_000 + ++contacts)}`;

export function outboundMessage(channel: ExternalChannel, contact: string, payload: OutboundMessage['payload']): OutboundMessage {
  return {
    message_id: randomUUID(),
    conversation_id: randomUUID(),
    seq: 1,
    sender_id: randomUUID(),
    channel,
    external_contact: contact,
    payload,
    created_at: new Date().toISOString(),
    origin: 'member',
  };
}
