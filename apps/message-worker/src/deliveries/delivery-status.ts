import type { MessageStatus } from '@chat4all/contracts';

/**
 * The statuses a message goes through as the worker records it, in order (its first history rows;
 * the last is its status): ACCEPTED; then SENT when no provider is in between (processed means sent
 * to the members); then READ when another member has already read past it (conversations.read is its
 * own topic, so a read can arrive first). Later moves are forward only (statusesBefore, @chat4all/contracts).
 */
export function statusesOnArrival(arrival: { viaProvider: boolean; readAlready: boolean }): MessageStatus[] {
  return ['ACCEPTED', ...(arrival.viaProvider ? [] : (['SENT'] as const)), ...(arrival.readAlready ? (['READ'] as const) : [])];
}
