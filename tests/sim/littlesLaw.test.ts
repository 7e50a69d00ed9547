import { describe, expect, it } from 'vitest';
import { relativeError, runOpenLoop } from './openLoop.ts';

const SERVICE_MS = 10;

// Little's law (J. D. C. Little, "A proof for the queuing formula L = lambda W", Operations Research 9,
// 1961) holds for any stable queue, whatever the distributions. Here L comes from the Resource's
// time-integrated count of requests, and lambda and W from the customers themselves: two independent
// accountings of the same run that must agree.
describe("Little's law (L = lambda W)", () => {
  it.each([
    { label: 'M/M/1 at rho = 0.8', servers: 1, rho: 0.8, service: 'exponential' },
    { label: 'M/M/4 at rho = 0.9', servers: 4, rho: 0.9, service: 'exponential' },
    { label: 'M/D/1 at rho = 0.5', servers: 1, rho: 0.5, service: 'constant' },
  ])('holds within 2 % for $label', ({ servers, rho, service }) => {
    const result = runOpenLoop({
      servers,
      meanInterarrivalMs: SERVICE_MS / (rho * servers),
      serviceMs: service === 'constant' ? () => SERVICE_MS : (rng) => rng.exponential(SERVICE_MS),
      customers: 500_000,
      warmupCustomers: 5_000,
      seed: 20013,
    });
    expect(relativeError(result.meanInSystem, result.arrivalsPerMs * result.meanResponseMs)).toBeLessThan(0.02);
  });
});
