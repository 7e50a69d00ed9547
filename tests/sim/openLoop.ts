/**
 * A tiny open-loop model for checking the kernel against queueing theory: a Poisson source feeding one
 * FIFO Resource, built from the kernel, Rng and Resource directly (nothing from the cluster model).
 */
import { Rng } from '../../src/core/rng.ts';
import { Resource, Simulation } from '../../src/sim/index.ts';

export interface OpenLoopOptions {
  servers: number;
  /** Mean time between arrivals (exponential, so arrivals are a Poisson process). */
  meanInterarrivalMs: number;
  /** Draws one service time from the service stream. */
  serviceMs: (rng: Rng) => number;
  /** Customers that arrive; the first `warmupCustomers` are not measured. */
  customers: number;
  warmupCustomers: number;
  seed: number;
  /** Keep every measured response time (for the determinism test). */
  keepResponses?: boolean;
}

export interface OpenLoopResult {
  /** Mean response time (wait + service) of measured customers. */
  meanResponseMs: number;
  measured: number;
  /** Arrival rate over the measurement window (measured arrivals / window length). */
  arrivalsPerMs: number;
  /** Time-average number in system over the window, from the Resource's own accounting. */
  meanInSystem: number;
  utilisation: number;
  responsesMs: number[];
}

export function runOpenLoop(o: OpenLoopOptions): OpenLoopResult {
  const sim = new Simulation();
  const root = new Rng(o.seed);
  const arrivals = root.fork('arrivals');
  const services = root.fork('services');
  const resource = new Resource(sim, { servers: o.servers });
  const responsesMs: number[] = [];
  let arrived = 0;
  let measured = 0;
  let sumResponseMs = 0;
  let windowStartMs = 0;

  const arrive = (): void => {
    const index = arrived++;
    if (index === o.warmupCustomers) {
      resource.resetStats();
      windowStartMs = sim.nowMs;
    }
    const arrivalMs = sim.nowMs;
    resource.request(o.serviceMs(services), (_startMs, endMs) => {
      if (index < o.warmupCustomers) return;
      const responseMs = endMs - arrivalMs;
      sumResponseMs += responseMs;
      measured++;
      if (o.keepResponses) responsesMs.push(responseMs);
    });
    if (arrived < o.customers) sim.schedule(arrivals.exponential(o.meanInterarrivalMs), arrive);
  };
  sim.schedule(arrivals.exponential(o.meanInterarrivalMs), arrive);
  // Drain: every measured customer leaves inside the window, so Little's law holds up to the few
  // customers present when the window opened.
  sim.run();
  const windowMs = sim.nowMs - windowStartMs;
  return {
    meanResponseMs: sumResponseMs / measured,
    measured,
    arrivalsPerMs: (o.customers - o.warmupCustomers) / windowMs,
    meanInSystem: resource.meanInSystem(),
    utilisation: resource.utilisation(),
    responsesMs,
  };
}

/** Relative error of `measured` against `expected`. */
export function relativeError(measured: number, expected: number): number {
  return Math.abs(measured / expected - 1);
}
