import { requestTimeoutCheckIntervalMs, scheduleCheckPendingRequests, scheduleRequestTimeoutCheck } from './request-queue-fix';
import './kafka.client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { scheduleCheckPendingRequests: unknown; scheduleRequestTimeoutCheck: unknown } };

describe('kafkajs request queue fix', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const queue = (pending: unknown[], throttledUntil = -1) => ({ throttledUntil, throttleCheckTimeoutId: null, pending, checkPendingRequests: jest.fn() });

  it('is what kafkajs runs, once a Kafka client module is loaded', () => {
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
    expect(RequestQueue.prototype.scheduleRequestTimeoutCheck).toBe(scheduleRequestTimeoutCheck);
  });

  it('times out a request at most requestTimeout / 10 (100 ms to 1 s) late, waking once a second for a 30 s timeout', () => {
    expect([requestTimeoutCheckIntervalMs(30_000), requestTimeoutCheckIntervalMs(5_000), requestTimeoutCheckIntervalMs(200)]).toEqual([1_000, 500, 100]);
    const timedOut = jest.fn();
    const q = {
      enforceRequestTimeout: true,
      requestTimeout: 30_000,
      requestTimeoutIntervalId: undefined as NodeJS.Timeout | undefined,
      inflight: new Map([[1, { sentAt: Date.now(), requestTimeout: 30_000, timeoutRequest: timedOut }]]),
      isConnected: () => true,
      destroy() {
        clearInterval(this.requestTimeoutIntervalId);
      },
    };
    scheduleRequestTimeoutCheck.call(q);
    jest.advanceTimersByTime(30_000);
    expect(timedOut).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(timedOut).toHaveBeenCalledTimes(1);
    q.destroy();
  });

  it('schedules nothing while no request is pending (no 1 ms timer loop on an idle connection)', () => {
    const q = queue([]);
    scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks pending requests after 10 ms, or when the broker throttle ends', () => {
    const q = queue(['request']);
    scheduleCheckPendingRequests.call(q);
    jest.advanceTimersByTime(9);
    expect(q.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(q.checkPendingRequests).toHaveBeenCalledTimes(1);

    const throttled = queue(['request'], Date.now() + 500);
    scheduleCheckPendingRequests.call(throttled);
    jest.advanceTimersByTime(499);
    expect(throttled.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(throttled.checkPendingRequests).toHaveBeenCalledTimes(1);
  });
});
