import { PermanentStartupError, StartupProgress, StartupTimeoutError } from './startup';

const failing = (times: number, error: () => Error) => {
  let calls = 0;
  return () => {
    calls += 1;
    return calls <= times ? Promise.reject(error()) : Promise.resolve(calls);
  };
};

describe('StartupProgress.step', () => {
  let progress: StartupProgress;

  beforeEach(() => {
    progress = new StartupProgress();
    progress.configure({ timeoutMs: 2_000, maxDelayMs: 100 });
  });

  it('retries transient failures and names the step while it waits', async () => {
    const running = progress.step('kafka', 'consumer group g', failing(2, () => new Error('The group coordinator is not available')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(progress.waitingFor()).toEqual([expect.objectContaining({ dependency: 'kafka', step: 'consumer group g', last_error: 'The group coordinator is not available' })]);
    await expect(running).resolves.toBe(3);
    expect(progress.waitingFor()).toEqual([]);
  });

  it('stops at the first permanent failure, naming the dependency', async () => {
    const work = jest.fn(failing(10, () => Object.assign(new Error('password authentication failed for user "chat4all"'), { code: '28P01' })));
    const outcome = progress.step('postgres', 'connect', work, { isPermanent: (e) => (e as { code?: string }).code === '28P01' });
    await expect(outcome).rejects.toThrow(PermanentStartupError);
    await expect(outcome).rejects.toThrow(/^postgres: connect failed permanently: password authentication failed/);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('gives up once transient failures outlast the bound', async () => {
    progress.configure({ timeoutMs: 300, maxDelayMs: 50 });
    const started = Date.now();
    const outcome = progress.step('s3', 'bucket chat4all', failing(1_000, () => new Error('connect ECONNREFUSED 127.0.0.1:19000')));
    await expect(outcome).rejects.toThrow(StartupTimeoutError);
    await expect(outcome).rejects.toThrow(/^s3: bucket chat4all still failing after \d+ s \(STARTUP_TIMEOUT_MS\): connect ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
