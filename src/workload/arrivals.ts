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
          if (tS < last) throw errors.input({ file: where }, 'times in nondecreasing order for arrival kind "trace"', `${shownTime(tS)} after ${shownTime(last)} ${SORT_HINT}`);
          last = tS;
          return ((tS - first) * 1000) / speedup;
        },
      };
    }
  }
}

// The AOL log comes sorted by user, not time; a stable sort on QueryTime keeps one search's click rows
// together, so they still count once.
const SORT_HINT =
  "(sort the trace by time, e.g. an AOL log by its QueryTime column: sort -s -t$'\\t' -k3,3; or choose fixed, poisson or diurnal arrivals)";

/**
 * A trace time for a message: an ISO UTC time when it looks like an epoch time (1973 to the end of
 * Date's range), which a reader can place; else seconds, as a trace of offsets from its start has them.
 */
function shownTime(tS: number): string {
  if (tS < 1e8 || tS > 8.64e12) return `${tS} s`;
  return new Date(tS * 1000).toISOString().replace('.000Z', 'Z');
}
