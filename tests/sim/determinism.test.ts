import { describe, expect, it } from 'vitest';
import { runOpenLoop } from './openLoop.ts';

function responses(seed: number): number[] {
  return runOpenLoop({
    servers: 2,
    meanInterarrivalMs: 6,
    serviceMs: (rng) => rng.lognormal(8, 0.8),
    customers: 20_000,
    warmupCustomers: 0,
    seed,
    keepResponses: true,
  }).responsesMs;
}

describe('a seeded simulation run', () => {
  it('gives identical response times, in the same order, for the same seed', () => {
    const first = responses(7);
    expect(first).toHaveLength(20_000);
    expect(responses(7)).toEqual(first);
  });

  it('gives different response times for another seed', () => {
    expect(responses(8)).not.toEqual(responses(7));
  });
});
