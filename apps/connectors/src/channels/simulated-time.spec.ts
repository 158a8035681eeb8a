import { sampleMs, seededRandom } from './simulated-time';

describe('simulated time', () => {
  it('replays the same choices from the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, seededRandom(43))).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('samples each distribution within its bounds', () => {
    const random = seededRandom(1);
    const uniform = Array.from({ length: 500 }, () => sampleMs({ kind: 'uniform', minMs: 10, maxMs: 20 }, random));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(20);
    const lognormal = Array.from({ length: 2_000 }, () => sampleMs({ kind: 'lognormal', medianMs: 100, sigma: 0.5, maxMs: 400 }, random)).sort((x, y) => x - y);
    expect(lognormal[1_000]).toBeGreaterThan(85);
    expect(lognormal[1_000]).toBeLessThan(115);
    expect(lognormal.at(-1)).toBeLessThanOrEqual(400);
    expect(sampleMs({ kind: 'fixed', ms: -5 }, random)).toBe(0);
  });
});
