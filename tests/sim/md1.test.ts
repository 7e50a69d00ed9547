import { describe, expect, it } from 'vitest';
import { relativeError, runOpenLoop } from './openLoop.ts';
import { md1ResponseMs } from './queueingTheory.ts';

const SERVICE_MS = 10;

// Deterministic service halves the queueing term of M/M/1 and its variance, so fewer customers suffice.
describe('M/D/1 (Poisson arrivals, constant service, one FIFO server)', () => {
  it.each([
    { rho: 0.5, customers: 1_000_000 },
    { rho: 0.8, customers: 3_000_000 },
    { rho: 0.9, customers: 8_000_000 },
  ])('has the Pollaczek-Khinchine mean response time within 2 % at rho = $rho', ({ rho, customers }) => {
    const result = runOpenLoop({
      servers: 1,
      meanInterarrivalMs: SERVICE_MS / rho,
      serviceMs: () => SERVICE_MS,
      customers,
      warmupCustomers: customers / 100,
      seed: 20012,
    });
    expect(relativeError(result.meanResponseMs, md1ResponseMs(SERVICE_MS, rho))).toBeLessThan(0.02);
  });
});
