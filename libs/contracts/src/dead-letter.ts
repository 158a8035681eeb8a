// A dead-lettered record on message_processing_dlq keeps its own key, value and headers, plus these
// (FR-DP-06). Whoever dead-letters (message-worker, connectors, any consumer) writes them; message-worker,
// which owns the dead_letters table, reads them to record the row the admin API lists and replays.
export const DEAD_LETTER_HEADER_PREFIX = 'dlq-';

export const DeadLetterHeaders = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  attempts: 'dlq-attempts',
} as const;

/** Set on a record replayed from the admin API: the id of the dead letter it was. */
export const REPLAY_OF_HEADER = 'replay-of';

/** Longer reasons are cut: a header, a row and a log line, not a stack dump. */
export const MAX_DEAD_LETTER_REASON_CHARS = 2000;

/** Where a dead letter came from and why it was given up on. */
export interface DeadLetterOrigin {
  sourceTopic: string;
  sourcePartition: number;
  /** Kafka offsets are 64-bit: kept as a decimal string. */
  sourceOffset: string;
  reason: string;
  attempts: number;
}

export function deadLetterHeaders(origin: DeadLetterOrigin): Record<string, string> {
  return {
    [DeadLetterHeaders.reason]: origin.reason.slice(0, MAX_DEAD_LETTER_REASON_CHARS),
    [DeadLetterHeaders.sourceTopic]: origin.sourceTopic,
    [DeadLetterHeaders.sourcePartition]: String(origin.sourcePartition),
    [DeadLetterHeaders.sourceOffset]: origin.sourceOffset,
    [DeadLetterHeaders.attempts]: String(origin.attempts),
  };
}

const DECIMAL = /^\d{1,19}$/;

/**
 * What a DLQ record's headers say about its origin. A header missing or malformed is left out:
 * records from older connectors carried only the reason and the source topic.
 */
export function readDeadLetterHeaders(headers: Readonly<Record<string, string>>): Partial<DeadLetterOrigin> {
  const partition = headers[DeadLetterHeaders.sourcePartition];
  const offset = headers[DeadLetterHeaders.sourceOffset];
  const attempts = headers[DeadLetterHeaders.attempts];
  const origin: Partial<DeadLetterOrigin> = {};
  if (headers[DeadLetterHeaders.sourceTopic]) origin.sourceTopic = headers[DeadLetterHeaders.sourceTopic];
  if (headers[DeadLetterHeaders.reason] !== undefined) origin.reason = headers[DeadLetterHeaders.reason];
  if (partition !== undefined && /^\d{1,9}$/.test(partition)) origin.sourcePartition = Number(partition);
  if (offset !== undefined && DECIMAL.test(offset)) origin.sourceOffset = offset;
  if (attempts !== undefined && /^\d{1,9}$/.test(attempts)) origin.attempts = Number(attempts);
  return origin;
}

/** The record's own headers, as they were on its source topic (what a replay puts back). */
export function withoutDeadLetterHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith(DEAD_LETTER_HEADER_PREFIX)));
}
