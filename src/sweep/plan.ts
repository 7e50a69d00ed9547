import { errors } from '../core/index.ts';
import type { SweepPoint } from '../report/index.ts';
import type { LoadedScenario, Slo } from '../scenarios/index.ts';
import type { SweepAxes } from './grid.ts';
import type { PointRunner } from './runner.ts';
import { sweep } from './sweep.ts';

export interface PlanOptions {
  qps: number;
  slo: Slo;
  /** The layouts to consider (shards, replicas, mode) and anything else fixed per plan (terms, --set). */
  axes: SweepAxes;
  seeds?: number;
  onProgress?: (done: number, total: number) => void;
  concurrency?: number;
}

export interface PlanReport {
  qps: number;
  slo: string;
  /** The layout with the fewest machines that meets the SLO at the load (fewest machines, then lowest p99). */
  chosen: SweepPoint | null;
  /** The next layouts, and why each loses: more machines, the SLO missed, or the index not fitting. */
  alternatives: { point: SweepPoint; why: string }[];
  points: SweepPoint[];
}

/** Layouts tried when none are named: from a few shards to one a machine, one to twenty replicas. */
export const DEFAULT_PLAN_LAYOUTS = { shards: [30, 60, 120, 240, 600, 1200], replicas: [1, 2, 5, 10, 20] };

/**
 * The cheapest layout that holds an SLO at a load: every layout of the grid at that load (on the same
 * seeded workload, judged with a confidence interval over seeds), ranked by machines.
 */
export async function plan(base: LoadedScenario, o: PlanOptions, runner: PointRunner): Promise<PlanReport> {
  if (o.axes.qps !== undefined) throw errors.option('--qps', 'one rate for a plan', o.axes.qps.join(','));
  const axes: SweepAxes = { ...o.axes, shards: o.axes.shards ?? DEFAULT_PLAN_LAYOUTS.shards, replicas: o.axes.replicas ?? DEFAULT_PLAN_LAYOUTS.replicas, qps: [o.qps] };
  const r = await sweep(base, { axes, slo: o.slo, findMaxQps: false, seeds: o.seeds, onProgress: o.onProgress, concurrency: o.concurrency }, runner);
  const byCost = (a: SweepPoint, b: SweepPoint) => a.machines - b.machines || a.latencyMs.p99 - b.latencyMs.p99;
  const meeting = r.points.filter((p) => p.status === 'ok' && p.meetsSlo).sort(byCost);
  const chosen = meeting[0] ?? null;
  const why = (p: SweepPoint): string => {
    if (p.status === 'does-not-fit') return p.note ?? 'does not fit';
    if (!p.meetsSlo) return `misses ${r.slo}: ${o.slo.metric} ${p.sloMs ? `${p.sloMs.mean.toFixed(1)} ms (95 % interval up to ${p.sloMs.high.toFixed(1)} ms)` : 'unmeasured'}; bottleneck ${p.bottleneck}`;
    return `meets it with ${p.machines - chosen!.machines} more machines (${p.machines})`;
  };
  // The runners-up: the next layouts that meet the SLO, and every cheaper one, each with why it loses.
  const cheaper = r.points.filter((p) => p !== chosen && (chosen === null || p.machines <= chosen.machines) && !(p.status === 'ok' && p.meetsSlo));
  const next = meeting.slice(1, 4);
  const alternatives = [...next, ...cheaper.sort(byCost)].map((point) => ({ point, why: why(point) }));
  return { qps: o.qps, slo: r.slo, chosen, alternatives, points: r.points };
}
