// kafkajs 2.2.4 (its last release) schedules its pending-request check even when nothing is pending,
// with a delay of `throttledUntil - now` = -1 - now: Node clamps it to 1 ms (TimeoutNegativeWarning),
// the check schedules itself again, and every broker connection spins a 1 ms timer for as long as it
// is open, an idle app's whole CPU use (kafkajs issues #1556, #1704, #1751; the fixes proposed there,
// PRs #1667 and #1755, were never released). This replaces that one method, before any client is
// made, with the behaviour those fixes agree on: a check is scheduled only while requests are pending
// (a request that is queued or finishes schedules one), at the throttle's end or after the usual 10 ms.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { scheduleCheckPendingRequests(this: RequestQueueInternals): void } };

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
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

RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
