import { formatMetric } from './tables.ts';

/** Bump when the sweep JSON changes shape. */
export const SWEEP_FORMAT_VERSION = 1;

/** What a sweep keeps of one run: enough to judge a layout, the same bytes whatever ran it. */
export interface RunSummary {
  seed: number;
  offeredQps: number;
  throughputQps: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  utilisation: { cpu: { mean: number; max: number }; disk: { mean: number; max: number } };
  /** Mean terms a query (expansion), null for a synthetic service. */
  meanTerms: number | null;
  seeksPerQuery: number;
}

/** The resource a layout runs out of first: the busiest kind, or none when latency alone breaks the SLO. */
export type Bottleneck = 'disk' | 'cpu' | 'service time';

/** One point of a sweep: a layout (and whatever else the axes set), at a load. */
export interface SweepPoint {
  /** Every axis's value at this point. */
  params: Record<string, string | number>;
  machines: number;
  /** `does-not-fit`: memory mode with shards too large for a machine (see `note`). */
  status: 'ok' | 'does-not-fit';
  note: string | null;
  /** The load the figures are at: the rate given, or the highest one found to meet the SLO (0: none). */
  qps: number;
  meetsSlo: boolean;
  latencyMs: { p50: number; p99: number; p999: number };
  /** The SLO's percentile at `qps` over the seeds: mean and 95 % confidence interval (t, seeds - 1 df). */
  sloMs: { mean: number; low: number; high: number } | null;
  throughputQps: number;
  utilisation: { cpu: { mean: number; max: number }; disk: { mean: number; max: number } };
  bottleneck: Bottleneck;
  meanTerms: number | null;
  seeksPerQuery: number;
  /** --find-max-qps: the last bracket (meets at the low end, not at the high end) and the runs it took. */
  search: { bracketQps: [number, number]; probes: number; runs: number } | null;
}

export interface SweepReport {
  formatVersion: number;
  scenario: string;
  slo: string;
  /** `fixed`: each point at each rate of the qps axis; `find-max-qps`: each layout's highest rate. */
  load: 'fixed' | 'find-max-qps';
  /** How a point is judged: the SLO percentile's 95 % confidence interval over `seeds` seeded runs must lie below the limit. */
  confidence: { seeds: number; rule: string };
  axes: { name: string; values: (string | number)[] }[];
  points: SweepPoint[];
  /**
   * Pareto frontiers (indices into `points`): `byMaxQps`, the layouts no other beats on both fewer
   * machines and more load under the SLO (find-max-qps); `byP99`, per rate, those no other beats on both
   * fewer machines and a lower p99 at that rate (fixed loads).
   */
  frontier: { byMaxQps: number[]; byP99: { qps: number; points: number[] }[] };
}

/** A point's layout in words (every axis but the load): `shards 60, replicas 20, mode disk`. */
export function layoutText(p: SweepPoint): string {
  return Object.entries(p.params)
    .filter(([k]) => k !== 'qps')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** True when the point is on one of the report's Pareto frontiers. */
export function onFrontier(r: Pick<SweepReport, 'frontier'>, index: number): boolean {
  return r.frontier.byMaxQps.includes(index) || r.frontier.byP99.some((f) => f.points.includes(index));
}

/** The columns of the points table; the load column is named for how the load was chosen. */
export function sweepPointHeader(r: Pick<SweepReport, 'load'>): string[] {
  return ['layout', 'machines', r.load === 'find-max-qps' ? 'max q/s' : 'q/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'cpu / disk max', 'bottleneck', 'meets SLO', 'frontier'];
}

/** One row a point: its layout, machines, load, latency there, utilisation, bottleneck, SLO, frontier. */
export function sweepPointRows(r: SweepReport): string[][] {
  // A search that found no load under the SLO still ran its light probe: its latency is shown, at the rate in the load column.
  const ran = (p: SweepPoint) => p.status === 'ok' && (p.qps > 0 || p.sloMs !== null);
  const load = (p: SweepPoint) => (p.qps > 0 ? p.qps.toFixed(1) : p.search !== null && p.sloMs !== null ? `0 (fails at ${p.search.bracketQps[1]})` : '0');
  const latency = (p: SweepPoint, q: 'p50' | 'p99' | 'p999') => (ran(p) ? formatMetric('latencyMs', p.latencyMs[q]) : '-');
  return r.points.map((p, i) => [
    layoutText(p),
    String(p.machines),
    p.status === 'ok' ? load(p) : '-',
    latency(p, 'p50'),
    latency(p, 'p99'),
    latency(p, 'p999'),
    p.status === 'ok' ? `${(p.utilisation.cpu.max * 100).toFixed(0)} % / ${(p.utilisation.disk.max * 100).toFixed(0)} %` : '-',
    p.status === 'ok' ? p.bottleneck : p.note ?? p.status,
    p.meetsSlo ? 'yes' : 'no',
    onFrontier(r, i) ? '*' : '',
  ]);
}
