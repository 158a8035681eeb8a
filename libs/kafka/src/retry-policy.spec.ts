import { ZodError, z } from 'zod';
import { GaveUpError, RetryPolicy, RetryStoppedError } from './retry-policy';

const failing = (times: number, error: () => Error = () => new Error('boom')) => {
  let calls = 0;
  return jest.fn((attempt: number) => {
    calls++;
    return calls <= times ? Promise.reject(error()) : Promise.resolve(`ok on ${attempt}`);
  });
};

describe('RetryPolicy', () => {
  it('retries after each pause, then gives up with the attempt count', async () => {
    const retries: { attempt: number; delayMs: number }[] = [];
    const policy = new RetryPolicy({ backoff: { kind: 'pauses', pausesMs: [5, 10, 20] }, onRetry: ({ attempt, delayMs }) => retries.push({ attempt, delayMs }) });
    const started = Date.now();
    const error = await policy.execute(failing(10)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GaveUpError);
    expect(error).toMatchObject({ attempts: 4, permanent: false });
    expect(retries).toEqual([
      { attempt: 1, delayMs: 5 },
      { attempt: 2, delayMs: 10 },
      { attempt: 3, delayMs: 20 },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('passes the attempt number and returns the first success', async () => {
    const policy = new RetryPolicy({ backoff: { kind: 'pauses', pausesMs: [1, 1, 1] } });
    await expect(policy.execute(failing(2))).resolves.toBe('ok on 3');
  });

  it('gives up on a permanent failure at once', async () => {
    const policy = new RetryPolicy({ backoff: { kind: 'pauses', pausesMs: [1000] }, isPermanent: (e) => e instanceof ZodError });
    const work = failing(1, () => z.object({ a: z.string() }).safeParse({}).error!);
    const error = (await policy.execute(work).catch((e: unknown) => e)) as GaveUpError;
    expect(error).toMatchObject({ attempts: 1, permanent: true });
    expect(error.message).toMatch(/invalid payload/);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('doubles from the base, capped, jittered to 50–100 %, and lets a longer requested delay win', () => {
    const policy = new RetryPolicy({ backoff: { kind: 'exponential', baseMs: 100, maxMs: 1000 }, requestedDelayMs: (e) => (e as { retryAfterMs?: number }).retryAfterMs });
    for (let i = 0; i < 50; i++) {
      expect(policy.delayMs(1, {})).toBeGreaterThanOrEqual(50);
      expect(policy.delayMs(1, {})).toBeLessThanOrEqual(100);
      expect(policy.delayMs(4, {})).toBeGreaterThanOrEqual(400);
      expect(policy.delayMs(30, {})).toBeLessThanOrEqual(1000);
    }
    expect(policy.delayMs(1, { retryAfterMs: 5000 })).toBe(5000);
  });

  it('retries an exponential policy without a limit until it succeeds', async () => {
    const policy = new RetryPolicy({ backoff: { kind: 'exponential', baseMs: 1, maxMs: 2 } });
    await expect(policy.execute(failing(20))).resolves.toBe('ok on 21');
  });

  it('stops at once, mid-pause, when the signal aborts', async () => {
    const policy = new RetryPolicy({ backoff: { kind: 'pauses', pausesMs: [60_000] } });
    const stop = new AbortController();
    const started = Date.now();
    const running = policy.execute(failing(5), { signal: stop.signal });
    setTimeout(() => stop.abort(), 20);
    await expect(running).rejects.toBeInstanceOf(RetryStoppedError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not start work once stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    const work = failing(0);
    await expect(new RetryPolicy({ backoff: { kind: 'pauses', pausesMs: [] } }).execute(work, { signal: stop.signal })).rejects.toBeInstanceOf(RetryStoppedError);
    expect(work).not.toHaveBeenCalled();
  });

  it('keeps retrying an outage past its pauses, for up to outage.maxMs, and nothing else', async () => {
    const down = () => Object.assign(new Error('Connection terminated unexpectedly'), { outage: true });
    const outage = { is: (e: unknown) => (e as { outage?: boolean }).outage === true, maxMs: 200 };
    const policy = new RetryPolicy({ backoff: { kind: 'pauses', pausesMs: [1, 1, 5] }, outage });
    // 10 failures: far more than 1 + 3 retries, but over in ~40 ms of pauses, inside 200 ms.
    await expect(policy.execute(failing(10, down))).resolves.toBe('ok on 11');
    // Another failure gives up after its pauses, as before.
    await expect(policy.execute(failing(10))).rejects.toMatchObject({ attempts: 4, permanent: false });
    // An outage that lasts longer than maxMs is given up on in the end, naming every attempt.
    const started = Date.now();
    const error = (await policy.execute(failing(1_000, down)).catch((e: unknown) => e)) as GaveUpError;
    expect(error).toBeInstanceOf(GaveUpError);
    expect(error.attempts).toBeGreaterThan(4);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
