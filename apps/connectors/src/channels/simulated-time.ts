import { setTimeout as sleep } from 'node:timers/promises';
import type { LatencyDistribution } from './channel-simulator';

export type Random = () => number;

/** mulberry32: small, fast and good enough to make a simulator's choices replayable from a seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleMs(distribution: LatencyDistribution, random: Random): number {
  switch (distribution.kind) {
    case 'fixed':
      return Math.max(0, distribution.ms);
    case 'uniform':
      return distribution.minMs + random() * Math.max(0, distribution.maxMs - distribution.minMs);
    case 'lognormal': {
      // Box–Muller; 1 - random() keeps the logarithm away from zero.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const ms = distribution.medianMs * Math.exp(distribution.sigma * z);
      return Math.min(ms, distribution.maxMs ?? Number.POSITIVE_INFINITY);
    }
  }
}

/** Sleeps for a sampled time; an aborted signal ends the wait early (rejecting with AbortError). */
export async function waitFor(distribution: LatencyDistribution, random: Random, signal?: AbortSignal): Promise<void> {
  const ms = sampleMs(distribution, random);
  if (ms > 0) await sleep(ms, undefined, { signal });
}
