import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import type { RateLimits, RateLimitSubject } from './rate-limits';
import { WriteRateLimitInterceptor } from './write-rate-limit.interceptor';

// Which bucket a request counts against (the Redis side is covered by tests/system/rate-limit).
describe('WriteRateLimitInterceptor', () => {
  const subjects: RateLimitSubject[] = [];
  const limits = { writes: {}, enforce: (_l: unknown, subject: RateLimitSubject) => (subjects.push(subject), Promise.resolve()) } as unknown as RateLimits;
  const interceptor = new WriteRateLimitInterceptor(limits, new Reflector());

  const context = (method: string, principal?: { userId: string; clientId: string }) =>
    ({
      getType: () => 'http',
      getHandler: () => () => undefined,
      switchToHttp: () => ({ getRequest: () => ({ method, ip: '203.0.113.7', principal }), getResponse: () => ({}) }),
    }) as unknown as ExecutionContext;

  beforeEach(() => subjects.splice(0));

  it('counts an authenticated write against its user, wherever it comes from', async () => {
    await lastValueFrom(interceptor.intercept(context('POST', { userId: 'u-1', clientId: 'c-1' }), { handle: () => of('ok') }));
    expect(subjects).toEqual([{ key: 'user:u-1', userId: 'u-1', clientId: 'c-1', ip: '203.0.113.7' }]);
  });

  it('counts an anonymous write against its IP', async () => {
    await lastValueFrom(interceptor.intercept(context('DELETE'), { handle: () => of('ok') }));
    expect(subjects).toEqual([{ key: 'ip:203.0.113.7', ip: '203.0.113.7' }]);
  });

  it('does not count reads', async () => {
    await lastValueFrom(interceptor.intercept(context('GET', { userId: 'u-1', clientId: 'c-1' }), { handle: () => of('ok') }));
    expect(subjects).toEqual([]);
  });
});
