import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID (any version, either case): what a uuid column accepts, checked before PostgreSQL's cast would fail the query. */
export const isUuid = (s: string): boolean => UUID.test(s);

/**
 * A UUID (version 8, RFC 9562 §5.8) derived from a name: the same name always gives the same id.
 * For ids that must be recognisably the same across retries and redeliveries (an event re-created
 * from the same provider message, a message's outbound event, an external contact as a sender).
 */
export function nameUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The sender id of messages an external contact writes (they are not users of ours). */
export const contactSenderId = (channel: string, externalContact: string): string => nameUuid(`contact:${channel}:${externalContact}`);

/** The event id of the inbound event for one provider message. */
export const inboundEventId = (channel: string, providerMessageId: string): string => nameUuid(`inbound:${channel}:${providerMessageId}`);
