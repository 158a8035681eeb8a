// Two idle costs of kafkajs 2.2.4 (its last release), per broker connection, fixed here by replacing
// two methods of its RequestQueue before any client is made:
//
// 1. It schedules its pending-request check even when nothing is pending,
// with a delay of `throttledUntil - now` = -1 - now: Node clamps it to 1 ms (TimeoutNegativeWarning),
// the check schedules itself again, and every broker connection spins a 1 ms timer for as long as it
// is open, an idle app's whole CPU use (kafkajs issues #1556, #1704, #1751; the fixes proposed there,
// PRs #1667 and #1755, were never released). Replaced with the behaviour those fixes agree on: a check
// is scheduled only while requests are pending (a request that is queued or finishes schedules one),
// at the throttle's end or after the usual 10 ms.
// 2. It looks for timed-out requests every min(requestTimeout, 100) ms: ten wake-ups a second per
// connection, with a consumer's long-poll fetch always in flight. Here every requestTimeout / 10,
// between 100 ms and 1 s: a 30 s request timeout fires at most 1 s late.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: { scheduleCheckPendingRequests(this: RequestQueueInternals): void };
};

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

interface TimeoutCheckInternals {
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  inflight: Map<unknown, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  isConnected(): boolean;
  destroy(): void;
}

const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

export function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

/** How often a connection looks for requests past their timeout. */
export const requestTimeoutCheckIntervalMs = (requestTimeoutMs: number): number => Math.min(1_000, Math.max(100, Math.floor(requestTimeoutMs / 10)));

export function scheduleRequestTimeoutCheck(this: TimeoutCheckInternals): void {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = setInterval(() => {
    const now = Date.now();
    this.inflight.forEach((request) => {
      if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
    });
    if (!this.isConnected()) this.destroy();
  }, requestTimeoutCheckIntervalMs(this.requestTimeout));
}

RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
(RequestQueue.prototype as unknown as { scheduleRequestTimeoutCheck: typeof scheduleRequestTimeoutCheck }).scheduleRequestTimeoutCheck = scheduleRequestTimeoutCheck;
