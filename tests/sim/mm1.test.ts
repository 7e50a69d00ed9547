import { describe, expect, it } from 'vitest';
import { relativeError, runOpenLoop } from './openLoop.ts';
import { mm1ResponseMs } from './queueingTheory.ts';

const SERVICE_MS = 10;

// Customer counts: the mean of an M/M/1 response-time sample converges slowly near saturation (the
// relaxation time grows like 1 / (1 - sqrt(rho))^2; Whitt, "Planning queueing simulations", Management
// Science 35, 1989). These counts keep the standard error near 0.35 % (measured over six seeds), so the
// 2 % tolerance is more than five standard errors and the fixed seed is not a lucky one.
describe('M/M/1 (Poisson arrivals, exponential service, one FIFO server)', () => {
  it.each([
    { rho: 0.5, customers: 2_000_000 },
    { rho: 0.8, customers: 6_000_000 },
    { rho: 0.9, customers: 16_000_000 },
  ])('has mean response time S / (1 - rho) within 2 % at rho = $rho', ({ rho, customers }) => {
    const result = runOpenLoop({
      servers: 1,
      meanInterarrivalMs: SERVICE_MS / rho,
      serviceMs: (rng) => rng.exponential(SERVICE_MS),
      customers,
      warmupCustomers: customers / 100,
      seed: 20010,
    });
    expect(relativeError(result.utilisation, rho)).toBeLessThan(0.01);
    expect(relativeError(result.meanResponseMs, mm1ResponseMs(SERVICE_MS, rho))).toBeLessThan(0.02);
  });
});
