import type { MessageStatus } from '@chat4all/contracts';

export interface Arrival {
  /** A connector sends it (external contact): SENT, DELIVERED come from the provider's receipts. */
  viaProvider: boolean;
  /** Another member's client already acknowledged a seq at or past it. */
  deliveredAlready: boolean;
  /** Another member already read past it. */
  readAlready: boolean;
}

/**
 * The statuses a message goes through as the worker records it, in order (its first history rows;
 * the last is its status): ACCEPTED; then, when no provider is in between, SENT (processed means
 * sent to the members) and DELIVERED if another member's client already acknowledged past it; then
 * READ when another member has already read past it (horizons travel on their own topics, so they
 * can arrive first). Later moves are forward only (statusesBefore, @chat4all/contracts).
 */
export function statusesOnArrival(arrival: Arrival): MessageStatus[] {
  const internal: MessageStatus[] = arrival.viaProvider ? [] : ['SENT', ...(arrival.deliveredAlready || arrival.readAlready ? (['DELIVERED'] as const) : [])];
  return ['ACCEPTED', ...internal, ...(arrival.readAlready ? (['READ'] as const) : [])];
}
