import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../core/index.ts';
import { hardwarePreset } from '../hardware/index.ts';
import { calibrateHost, measuredOf, type HostCalibration, type Measured } from '../live/index.ts';
import { loadTrace } from '../workload/index.ts';
import type { RunReport, Validation, ValidationFigures, ValidationRow } from '../report/index.ts';
import { live, withQueries, type LiveRunReport } from './live.ts';
import type { LoadedScenario } from './load.ts';
import { resolvePath } from './load.ts';
import type { Scenario } from './schema.ts';
import { DEFAULT_TRACE, corpusOf, simulate } from './simulate.ts';

/**
 * Query texts to calibrate with: `n` from the trace, and, from a corpus folder with its own
 * queries.jsonl (a judged collection's long topics, which decode many postings), those too, so the fit
 * sees both few and many postings.
 */
export async function calibrationQueries(tracePath: string, n: number, corpus: string | null): Promise<string[]> {
  const texts: string[] = [];
  for await (const q of (await loadTrace(tracePath, n, { kind: 'poisson', qps: 1 }, {})).source()) texts.push(q.q);
  const own = corpus !== null && existsSync(corpus) && statSync(corpus).isDirectory() ? join(corpus, 'queries.jsonl') : null;
  if (own !== null && existsSync(own)) for await (const q of (await loadTrace(own, 1000, { kind: 'poisson', qps: 1 }, {})).source()) texts.push(q.q);
  return texts;
}

/** Calibrates this host on a scenario's own corpus and trace, keeping its hardware's disk and memory. */
export async function calibrateFor(loaded: LoadedScenario, repetitions = 5): Promise<HostCalibration> {
  const s = loaded.scenario;
  const { corpus, corpusOptions } = corpusOf(s, loaded);
  const trace = s.workload.trace ? resolvePath(loaded.baseDir, s.workload.trace) : DEFAULT_TRACE;
  const queries = await calibrationQueries(trace, 1000, corpus);
  return calibrateHost({ index: { corpus, corpusOptions, analyzer: s.analyzer, shards: 1 }, queries, base: hardwarePreset(s.cluster.hardware), repetitions });
}

/** The file `calibrate --out` writes: a hardware profile a scenario can name, with what was measured beside it. */
export function hardwareFileOf(c: HostCalibration, date: string): object {
  return { ...c.hardware, calibration: { date, hostCores: c.hostCores, repetitions: c.repetitions, cpuSamples: c.cpuSamples, cpuFitR2: c.cpuFitR2, measured: c.measured } };
}

export interface ValidateOptions {
  /** The hardware file both sides run on: the simulation's profile, and the live machines' disk. */
  hardwareFile: string;
  /** Loads as shares of the measured capacity. */
  loads: readonly number[];
  /** Live runs at each load (their spread is the live run-to-run spread). */
  repetitions: number;
  /** Wall time of each live run (and the workload both sides replay). */
  durationS: number;
  onStep?: (what: string) => void;
}

/**
 * Holds the simulator to a live run (issue 15's check): measures the live cluster's capacity with a
 * probe, then at each share of it runs the workload live `repetitions` times and simulates it once on
 * the calibrated hardware profile, and sets the figures side by side with the live spread. The two sides
 * run the same scenario: its real index at real size, one core and one disk a machine, the same seed (so
 * the same queries at the same intended instants). Nothing is tuned: the profile is what calibration
 * measured.
 */
export async function validate(loaded: LoadedScenario, o: ValidateOptions): Promise<Validation> {
  for (const f of o.loads) if (!(f > 0 && f < 1.5)) throw errors.option('--loads', 'shares of the capacity above 0 and below 1.5', f);
  const base = liveShape(loaded.scenario, o.hardwareFile);
  const probe = await liveAt(loaded, base, probeQps(base), o.durationS, o.onStep, 'capacity probe');
  const { capacityQps, bottleneck } = capacityOf(probe);
  const rows: ValidationRow[] = [];
  for (const load of o.loads) {
    const qps = load * capacityQps;
    const runs: LiveRunReport[] = [];
    for (let r = 0; r < o.repetitions; r++) runs.push(await liveAt(loaded, base, qps, o.durationS, o.onStep, `load ${load} (${qps.toFixed(1)} q/s), live run ${r + 1} of ${o.repetitions}`));
    o.onStep?.(`load ${load}: simulating`);
    // The same queries at the same intended instants: the live runs' count, the same seed.
    const queries = runs[0].queries.total;
    const sim = await simulate({ ...loaded, scenario: withQueries(base, queries) }, { qps, cache: null });
    rows.push(row(load, qps, queries, runs, sim));
  }
  return { scenario: loaded.scenario.name, hardware: hardwarePreset(o.hardwareFile).name, capacityQps, bottleneck, durationS: o.durationS, repetitions: o.repetitions, rows };
}

/** The scenario as both sides run it: the real index, one core and one disk a machine, the calibrated hardware. */
function liveShape(s: Scenario, hardwareFile: string): Scenario {
  const a = s.workload.arrival;
  if (!('qps' in a)) throw errors.option('validate', `a scenario with an open-loop rate (arrival kind fixed, poisson or diurnal; this one's is ${a.kind})`, a.kind);
  const { modelledDocs: _m, indexBytesPerDoc: _b, ...cluster } = s.cluster;
  return { ...s, cluster: { ...cluster, hardware: hardwareFile, coresPerMachine: 1, disksPerMachine: 1 } };
}

/** The probe runs at the scenario's own rate: it measures busy shares, from which the capacity follows. */
function probeQps(s: Scenario): number {
  return (s.workload.arrival as { qps: number }).qps;
}

async function liveAt(loaded: LoadedScenario, s: Scenario, qps: number, durationS: number, onStep: ValidateOptions['onStep'], what: string): Promise<LiveRunReport> {
  onStep?.(what);
  return live({ ...loaded, scenario: s }, { qps, durationS });
}

/**
 * The utilisation law (U = X D): at the probe's throughput X each resource is busy U, so it saturates at
 * X / U. The resources: each machine's core and disk (their busiest), and the host's cores, which every
 * machine's thread, the router and the load generator share.
 */
function capacityOf(probe: LiveRunReport): { capacityQps: number; bottleneck: string } {
  const x = probe.throughputQps;
  const candidates: [string, number][] = [
    ['the busiest machine\'s core', probe.utilisation.cpu.max],
    ['the busiest machine\'s disk', probe.utilisation.disk.max],
    [`the host's ${probe.live.hostCores} cores`, probe.live.processCpuShare],
  ];
  const [bottleneck, u] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (!(u > 0)) throw errors.refused('validate: the capacity probe measured no busy time; run it with more queries or a higher rate');
  return { capacityQps: x / u, bottleneck };
}

function row(load: number, qps: number, queries: number, runs: LiveRunReport[], sim: RunReport): ValidationRow {
  const pick = (r: RunReport): ValidationFigures<number> => ({ p50Ms: r.latencyMs.p50, p99Ms: r.latencyMs.p99, throughputQps: r.throughputQps });
  const liveFigures = runs.map(pick);
  const measured = (k: keyof ValidationFigures<number>): Measured => measuredOf(liveFigures.map((f) => f[k]));
  const l: ValidationFigures<Measured> = { p50Ms: measured('p50Ms'), p99Ms: measured('p99Ms'), throughputQps: measured('throughputQps') };
  const p = pick(sim);
  const err = (k: keyof ValidationFigures<number>) => ((p[k] - l[k].value) / l[k].value) * 100;
  const within = (k: keyof ValidationFigures<number>) => p[k] >= l[k].low && p[k] <= l[k].high;
  return {
    load,
    qps,
    queries,
    live: l,
    predicted: p,
    errorPct: { p50Ms: err('p50Ms'), p99Ms: err('p99Ms'), throughputQps: err('throughputQps') },
    withinLiveRange: { p50Ms: within('p50Ms'), p99Ms: within('p99Ms'), throughputQps: within('throughputQps') },
  };
}
