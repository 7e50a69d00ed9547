import { errors, type Rng } from '../core/index.ts';

/** When queries arrive. Open models fix every arrival in advance; `closed` ties them to completions. */
export type ArrivalSpec =
  | { kind: 'trace'; speedup?: number }
  | { kind: 'fixed'; qps: number }
  | { kind: 'poisson'; qps: number }
  | { kind: 'diurnal'; qps: number; amplitude?: number; periodS?: number }
  | { kind: 'closed'; clients: number; thinkMs: number; think?: 'exponential' | 'fixed' };

export const ARRIVAL_KINDS = ['trace', 'fixed', 'poisson', 'diurnal', 'closed'] as const;

/**
 * Intended arrival times of an open workload, in order. Latency is measured from these times, whatever
 * the cluster does: no coordinated omission (Tene, "How NOT to measure latency", 2015).
 */
export interface OpenArrivals {
  /** The next arrival time in ms; `traceTimeS` is the trace's own time for that query, if it has one. */
  next(traceTimeS: number | undefined, where: string): number;
}

export function openArrivals(spec: Exclude<ArrivalSpec, { kind: 'closed' }>, rng: Rng): OpenArrivals {
  switch (spec.kind) {
    case 'fixed': {
      const gap = 1000 / spec.qps;
      let i = 0;
      return { next: () => i++ * gap };
    }
    case 'poisson': {
      const mean = 1000 / spec.qps;
      let t = 0;
      return {
        next: () => {
          t += rng.exponential(mean);
          return t;
        },
      };
    }
    case 'diurnal': {
      // Non-homogeneous Poisson by thinning (Lewis and Shedler, Naval Research Logistics Quarterly 26(3), 1979):
      // rate(t) = qps (1 + a sin(2 pi t / period)).
      const a = spec.amplitude ?? 0.5;
      const periodMs = (spec.periodS ?? 86_400) * 1000;
      const max = spec.qps * (1 + a);
      let t = 0;
      return {
        next: () => {
          for (;;) {
            t += rng.exponential(1000 / max);
            const rate = spec.qps * (1 + a * Math.sin((2 * Math.PI * t) / periodMs));
            if (rng.next() * max < rate) return t;
          }
        },
      };
    }
    case 'trace': {
      const speedup = spec.speedup ?? 1;
      let first: number | undefined;
      let last = -Infinity;
      return {
        next: (tS, where) => {
          if (tS === undefined) throw errors.input({ file: where }, 'a time on every query for arrival kind "trace" (or choose fixed, poisson or diurnal)');
          first ??= tS;
          if (tS < last) throw errors.input({ file: where }, 'times in nondecreasing order for arrival kind "trace" (sort the trace by time)', `${tS} after ${last}`);
          last = tS;
          return ((tS - first) * 1000) / speedup;
        },
      };
    }
  }
}
