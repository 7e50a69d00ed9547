import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { Resource, Simulation } from '../../src/sim/index.ts';

const FAST_MS = 10;
const SLOW_MS = 1000;
const SLOW_PROBABILITY = 0.01;
/** Longer than the slowest leaf, so no leaf ever has a request waiting: pure fan-out, no queueing. */
const INTERARRIVAL_MS = 1100;

/**
 * One root fans each request out to `leaves` single-server leaves and answers when the last leaf
 * does. Returns the share of requests that took at least 1 s (a slow leaf takes exactly 1 s).
 */
function slowShare(leaves: number, requests: number, seed: number): { share: number; maxQueue: number } {
  const sim = new Simulation();
  const rng = new Rng(seed).fork('leaf-service');
  const servers = Array.from({ length: leaves }, (_, i) => new Resource(sim, { servers: 1, name: `leaf${i}` }));
  let slow = 0;
  let issued = 0;
  const arrive = (): void => {
    const arrivalMs = sim.nowMs;
    let outstanding = leaves;
    const leafDone = (_startMs: number, endMs: number): void => {
      if (--outstanding === 0 && endMs - arrivalMs >= SLOW_MS) slow++;
    };
    for (const server of servers) server.request(rng.chance(SLOW_PROBABILITY) ? SLOW_MS : FAST_MS, leafDone);
    if (++issued < requests) sim.schedule(INTERARRIVAL_MS, arrive);
  };
  sim.schedule(0, arrive);
  sim.run();
  return { share: slow / requests, maxQueue: Math.max(...servers.map((s) => s.maxQueueLength)) };
}

// Dean & Barroso, "The tail at scale", CACM 56(2), 2013: with fan-out N and a per-leaf slow
// probability p, P(request slow) = 1 - (1 - p)^N. For N = 100 and p = 1 %, 63 % of requests are slow.
describe('fork-join fan-out (tail at scale)', () => {
  it.each([
    // 20,000 requests give a binomial standard error of at most 0.34 points (at N = 100, P = 0.634),
    // so 1.5 points is over four standard errors. At N = 1200, P = 0.999994 and 5,000 requests do.
    { leaves: 1, requests: 20_000 },
    { leaves: 100, requests: 20_000 },
    { leaves: 1200, requests: 5_000 },
  ])('has P(slower than 1 s) within 1.5 points of 1 - 0.99^N for N = $leaves', ({ leaves, requests }) => {
    const { share, maxQueue } = slowShare(leaves, requests, 2013);
    expect(maxQueue).toBe(0);
    const expected = 1 - (1 - SLOW_PROBABILITY) ** leaves;
    expect(Math.abs(share - expected) * 100).toBeLessThan(1.5);
  });
});
