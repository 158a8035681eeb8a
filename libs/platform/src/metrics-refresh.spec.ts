import { Logger } from '@nestjs/common';
import { MetricsRefresh } from './metrics-refresh';

describe('MetricsRefresh', () => {
  let warnings: jest.SpyInstance;

  beforeEach(() => {
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('runs every refresh, and keeps going when one fails', async () => {
    const refresh = new MetricsRefresh(15_000);
    const ran: string[] = [];
    refresh.add('a', () => Promise.resolve(void ran.push('a')));
    refresh.add('broken', () => Promise.reject(new Error('kafka down')));
    refresh.add('b', () => Promise.resolve(void ran.push('b')));
    await refresh.refreshAll();
    expect(ran.sort()).toEqual(['a', 'b']);
  });

  it('warns once while a refresh keeps failing, and says when it works again', async () => {
    const refresh = new MetricsRefresh(15_000);
    let down = true;
    refresh.add('lag', () => (down ? Promise.reject(new Error('kafka down')) : Promise.resolve()));
    await refresh.refreshAll();
    await refresh.refreshAll();
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(warnings).toHaveBeenCalledWith(expect.objectContaining({ metric: 'lag' }));
    down = false;
    await refresh.refreshAll();
    expect(Logger.prototype.log).toHaveBeenCalledWith(expect.objectContaining({ metric: 'lag', message: 'metric refresh works again' }));
  });

  it('does not start a refresh again while the last one still runs', async () => {
    const refresh = new MetricsRefresh(15_000);
    let release = () => undefined as void;
    const calls = jest.fn(() => new Promise<void>((resolve) => (release = resolve)));
    refresh.add('slow', calls);
    const first = refresh.refreshAll();
    await refresh.refreshAll();
    expect(calls).toHaveBeenCalledTimes(1);
    release();
    await first;
    void refresh.refreshAll();
    expect(calls).toHaveBeenCalledTimes(2);
    release();
  });

  it('refreshes at start-up, then on its interval, until the app shuts down', async () => {
    jest.useFakeTimers();
    try {
      const refresh = new MetricsRefresh(1_000);
      const calls = jest.fn(() => Promise.resolve());
      refresh.add('x', calls);
      refresh.onApplicationBootstrap();
      expect(calls).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(3_000);
      expect(calls).toHaveBeenCalledTimes(4);
      refresh.beforeApplicationShutdown();
      await jest.advanceTimersByTimeAsync(3_000);
      expect(calls).toHaveBeenCalledTimes(4);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses two refreshes of one name', () => {
    const refresh = new MetricsRefresh(1_000);
    refresh.add('x', () => Promise.resolve());
    expect(() => refresh.add('x', () => Promise.resolve())).toThrow(/already registered/);
  });
});
