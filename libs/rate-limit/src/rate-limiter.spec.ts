import { RateLimiter, rateLimitHeaders } from './rate-limiter';

// The in-memory store (the Redis one is covered by tests/system/rate-limit).
describe('RateLimiter.inMemory', () => {
  const policy = { name: 'spec', limit: 3, windowSeconds: 30 };

  it('allows `limit` requests per key and window, then refuses with the time left', async () => {
    const limiter = RateLimiter.inMemory(policy);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('a'));
    expect(decisions.map((d) => d.kind)).toEqual(['allowed', 'allowed', 'allowed', 'limited']);
    expect(decisions.slice(0, 3).map((d) => (d.kind === 'allowed' ? d.remaining : -1))).toEqual([2, 1, 0]);
    const refused = decisions[3];
    expect(refused.kind === 'limited' && refused.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.kind === 'limited' && refused.resetSeconds).toBeLessThanOrEqual(30);
    expect(rateLimitHeaders(refused)).toEqual({ 'ratelimit-policy': '"spec";q=3;w=30', ratelimit: expect.stringMatching(/^"spec";r=0;t=\d+$/) });
  });

  it('counts each key on its own, and each limiter on its own', async () => {
    const limiter = RateLimiter.inMemory(policy);
    for (let i = 0; i < 3; i++) await limiter.consume('a');
    expect((await limiter.consume('b')).kind).toBe('allowed');
    expect((await RateLimiter.inMemory(policy).consume('a')).kind).toBe('allowed');
  });
});
