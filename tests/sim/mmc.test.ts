import { describe, expect, it } from 'vitest';
import { relativeError, runOpenLoop } from './openLoop.ts';
import { erlangC, mmcResponseMs } from './queueingTheory.ts';

const SERVICE_MS = 10;
const SERVERS = 4;

describe('erlangC (the closed form itself)', () => {
  it('matches published values', () => {
    // C(1, a) = a for M/M/1; C(2, 1) = 1/3 and C(4, 3) = 0.5094 (the latter from the Erlang C
    // recurrence by hand: sum_{k<4} 3^k/k! = 13, a^4/4! * 4/(4-3) = 13.5, 13.5 / 26.5).
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(4, 3)).toBeCloseTo(13.5 / 26.5, 12);
  });
});

// Counts chosen as for M/M/1 (standard error about 0.35 % over six seeds, against a 2 % tolerance).
describe('M/M/c with c = 4 (Poisson arrivals, exponential service, four servers, one FIFO queue)', () => {
  it.each([
    { rho: 0.5, customers: 2_000_000 },
    { rho: 0.8, customers: 4_000_000 },
    { rho: 0.9, customers: 12_000_000 },
  ])('has the Erlang C mean response time within 2 % at rho = $rho', ({ rho, customers }) => {
    const result = runOpenLoop({
      servers: SERVERS,
      meanInterarrivalMs: SERVICE_MS / (rho * SERVERS),
      serviceMs: (rng) => rng.exponential(SERVICE_MS),
      customers,
      warmupCustomers: customers / 100,
      seed: 20011,
    });
    expect(relativeError(result.utilisation, rho)).toBeLessThan(0.01);
    expect(relativeError(result.meanResponseMs, mmcResponseMs(SERVICE_MS, SERVERS, rho))).toBeLessThan(0.02);
  });
});
