/**
 * A validation (`searchsim validate`): the simulator's prediction beside live runs of the same workload,
 * load by load. Made by src/scenarios/validate.ts; printed as a table and drawn on its HTML page here.
 */
import type { Measured } from '../live/index.ts';

/** Latency and throughput figures of one side at one load. */
export interface ValidationFigures<T> {
  p50Ms: T;
  p99Ms: T;
  throughputQps: T;
}

export interface ValidationRow {
  load: number;
  qps: number;
  queries: number;
  /** The live runs: median, lowest and highest over the repetitions. */
  live: ValidationFigures<Measured>;
  /** The simulation of the same workload on the calibrated profile (deterministic: one run). */
  predicted: ValidationFigures<number>;
  /** (predicted - live median) / live median, in %. */
  errorPct: ValidationFigures<number>;
  /** Whether the prediction lies within the live runs' own range. */
  withinLiveRange: ValidationFigures<boolean>;
}

export interface Validation {
  scenario: string;
  hardware: string;
  /** The live capacity the loads are shares of, and the resource that bounds it. */
  capacityQps: number;
  bottleneck: string;
  durationS: number;
  repetitions: number;
  rows: ValidationRow[];
}

export const VALIDATION_HEADER = ['load', 'q/s', 'live p50 ms', 'model', 'error', 'live p99 ms', 'model', 'error', 'live q/s', 'model'];

/** The validation table: per load, predicted against the live median (its range), and the error; * marks a prediction within the live range. */
export function validationRows(v: Validation): string[][] {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const live = (m: Measured) => `${f(m.value)} (${f(m.low)}-${f(m.high)})`;
  const pct = (x: number, within: boolean) => `${x >= 0 ? '+' : ''}${x.toFixed(0)} %${within ? ' *' : ''}`;
  return v.rows.map((r) => [
    `${(r.load * 100).toFixed(0)} %`,
    r.qps.toFixed(1),
    live(r.live.p50Ms),
    f(r.predicted.p50Ms),
    pct(r.errorPct.p50Ms, r.withinLiveRange.p50Ms),
    live(r.live.p99Ms),
    f(r.predicted.p99Ms),
    pct(r.errorPct.p99Ms, r.withinLiveRange.p99Ms),
    live(r.live.throughputQps),
    f(r.predicted.throughputQps),
  ]);
}

export function validationSummary(v: Validation): string {
  return `live capacity ${v.capacityQps.toFixed(1)} q/s, bound by ${v.bottleneck}; ${v.repetitions} live runs of ${v.durationS} s at each load; model on hardware ${v.hardware}`;
}
