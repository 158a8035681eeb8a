import { createEnvelope, EventTypes, nameUuid, Topics, type MessageStatusEvent } from '@chat4all/contracts';
import type { PublishRecord } from '@chat4all/kafka';

/** Our side of a send: the message a provider's id stands for. */
export interface SentRef {
  message_id: string;
  conversation_id: string;
  /** The send's trace, when known: a receipt's status joins the message's trace. */
  traceparent?: string | null;
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
    ...(sent.traceparent ? { traceHeaders: { traceparent: sent.traceparent } } : {}),
  };
}
