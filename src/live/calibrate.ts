import { availableParallelism } from 'node:os';
import { Analyzer } from '../analysis/index.ts';
import { invariant } from '../core/index.ts';
import type { CpuProfile, HardwarePreset } from '../hardware/index.ts';
import { mergeTopK, type Hit, type ShardSetSpec } from '../index/index.ts';
import { LiveMachines, sleepUntil, wallMs, type LeafAnswer } from '../shard/index.ts';
import { LivePreparer } from './preparer.ts';

/** A measured figure: its median over the repetitions, and the lowest and highest of them. */
export interface Measured {
  value: number;
  low: number;
  high: number;
}

/** What `calibrate` measured on this host, and the hardware profile it makes of it. */
export interface HostCalibration {
  /** The profile a scenario names (`"hardware": "host.json"`): the measured CPU and network, the chosen disk. */
  hardware: HardwarePreset;
  /** Each measured figure with its spread over the repetitions. */
  measured: {
    nsPerPosting: Measured;
    nsPerTerm: Measured;
    nsPerRequest: Measured;
    nsPerMergedHit: Measured;
    /**
     * Half the round trip of a message to a worker thread and back, less the worker's own time, sent
     * `IDLE_GAP_MS` after the last (a machine between requests: its thread asleep, as in a live run at
     * moderate load); this is the profile's network latency.
     */
    oneWayMs: Measured;
    /** The same, back to back (the thread awake): what a saturated machine sees. */
    oneWayBackToBackMs: Measured;
  };
  hostCores: number;
  /** Leaf requests timed for the CPU fit, and how well the fit explains them (R^2 of the medians). */
  cpuSamples: number;
  cpuFitR2: number;
  repetitions: number;
}

export interface CalibrateOptions {
  /** The index whose searches are timed (one shard on one worker thread). */
  index: ShardSetSpec;
  /** Query texts to time, analysed as the index is. */
  queries: readonly string[];
  /** The disk the profile keeps (live mode's disk is modelled: its waits come from this profile). */
  base: HardwarePreset;
  repetitions?: number;
  /** Round trips timed per repetition. */
  roundTrips?: number;
}

/**
 * Measures this host as a hardware profile, so a simulation can predict what live mode will measure. Every
 * figure is measured, none is set by hand: the CPU time of a leaf request, fitted by least squares as
 * per posting decoded, per query term and per request, from real searches on a worker thread (each
 * query timed `repetitions` times; one fit per repetition gives the spread); the cost of merging a hit at
 * the router, timed on this thread; and a message's one-way time to a worker thread, from idle round trips
 * less the worker's own time. The disk and memory sizes come from `base` (live disks are modelled).
 */
export async function calibrateHost(o: CalibrateOptions): Promise<HostCalibration> {
  const repetitions = o.repetitions ?? 5;
  invariant(repetitions >= 1 && o.queries.length > 0, 'calibration needs queries and at least one repetition');
  const machines = await LiveMachines.open({ shards: 1, replicas: 1, index: { ...o.index, shards: 1 }, disk: null });
  try {
    const prepared = await new LivePreparer(machines, new Analyzer(o.index.analyzer), { k: 10, mode: 'or' }).prepare(o.queries, 0);
    const requests = prepared.filter((q) => q.search!.request.terms.length > 0).map((q) => q.search!);
    // Warm the worker's code paths and caches before timing anything.
    for (const r of requests.slice(0, 200)) await machines.serve(0, r.request, r.globals);
    const reps: LeafSample[][] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      const samples: LeafSample[] = [];
      for (const r of requests) samples.push(sample(await machines.serve(0, r.request, r.globals), r.request.terms.length));
      reps.push(samples);
    }
    // One leaf's time is a few microseconds, so a pause (a collection, a preempted thread) swamps it: the
    // fit takes each request's median over the repetitions; one fit per repetition gives the spread.
    const fit = fitCpu(reps[0].map((s, i) => ({ ...s, cpuMs: median(reps.map((r) => r[i].cpuMs)) })));
    const fits = reps.map((r) => fitCpu(r));
    const idle: number[] = [];
    const hot: number[] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      idle.push(await oneWayMs(machines, o.roundTrips ?? 100, IDLE_GAP_MS));
      hot.push(await oneWayMs(machines, o.roundTrips ?? 100, 0));
    }
    const merged = Array.from({ length: repetitions }, () => mergeNsPerHit());
    const within = (value: number, xs: number[]): Measured => ({ value, low: Math.min(value, ...xs), high: Math.max(value, ...xs) });
    const measured = {
      nsPerPosting: within(fit.nsPerPosting, fits.map((f) => f.nsPerPosting)),
      nsPerTerm: within(fit.nsPerTerm, fits.map((f) => f.nsPerTerm)),
      nsPerRequest: within(fit.nsPerRequest, fits.map((f) => f.nsPerRequest)),
      nsPerMergedHit: measuredOf(merged),
      oneWayMs: measuredOf(idle),
      oneWayBackToBackMs: measuredOf(hot),
    };
    const cpu: CpuProfile = {
      name: 'host-cpu',
      cores: 1,
      nsPerPosting: measured.nsPerPosting.value,
      nsPerTerm: measured.nsPerTerm.value,
      nsPerRequest: measured.nsPerRequest.value,
      nsPerMergedHit: measured.nsPerMergedHit.value,
      wattsPerCore: o.base.cpu.wattsPerCore,
    };
    const hardware: HardwarePreset = {
      name: 'host',
      cpu,
      // The modelled machine's memory, not this host's: it sizes the buffer cache and the memory-fit check.
      memory: o.base.memory,
      disk: o.base.disk,
      // A message between threads moves no bytes over a link: its time is its latency.
      network: { name: 'host-threads', oneWayMs: measured.oneWayMs.value, bandwidthBytesPerMs: 1e12, pjPerByte: 0 },
      disks: 1,
    };
    return { hardware, measured, hostCores: availableParallelism(), cpuSamples: requests.length * repetitions, cpuFitR2: fit.r2, repetitions };
  } finally {
    await machines.close();
  }
}

interface LeafSample {
  postings: number;
  terms: number;
  cpuMs: number;
}

function sample(a: LeafAnswer, terms: number): LeafSample {
  return { postings: a.receipt?.decoded ?? 0, terms, cpuMs: a.cpuMs };
}

interface CpuFit {
  nsPerPosting: number;
  nsPerTerm: number;
  nsPerRequest: number;
  r2: number;
}

/**
 * Least squares of cpuMs = postings x a + terms x b + c (leafCpuMs's form), by the normal equations; a
 * coefficient that comes out negative (noise where a cost is too small to see) is clamped to 0 and the
 * others refitted without it, since a negative cost would let a simulation run faster than its work.
 */
export function fitCpu(samples: readonly LeafSample[]): CpuFit {
  const columns = [(s: LeafSample) => s.postings, (s: LeafSample) => s.terms, () => 1];
  let use = [true, true, true];
  let coef = [0, 0, 0];
  for (let round = 0; round < 3; round++) {
    const idx = use.map((u, i) => (u ? i : -1)).filter((i) => i >= 0);
    const sol = leastSquares(samples.map((s) => idx.map((i) => columns[i](s))), samples.map((s) => s.cpuMs * 1e6));
    coef = [0, 0, 0];
    idx.forEach((i, j) => (coef[i] = sol[j]));
    const negative = coef.findIndex((c, i) => use[i] && c < 0);
    if (negative < 0) break;
    use = use.map((u, i) => u && i !== negative);
  }
  const predicted = samples.map((s) => coef[0] * s.postings + coef[1] * s.terms + coef[2]);
  const ys = samples.map((s) => s.cpuMs * 1e6);
  const mean = ys.reduce((a, y) => a + y, 0) / ys.length;
  const ssTot = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
  const ssRes = ys.reduce((a, y, i) => a + (y - predicted[i]) ** 2, 0);
  return { nsPerPosting: coef[0], nsPerTerm: coef[1], nsPerRequest: coef[2], r2: ssTot > 0 ? 1 - ssRes / ssTot : 1 };
}

/** Solves min |Xb - y| through the normal equations (X'X) b = X'y, by Gaussian elimination with pivoting. */
function leastSquares(x: number[][], y: number[]): number[] {
  const p = x[0]?.length ?? 0;
  const a = Array.from({ length: p }, (_, i) => [...Array.from({ length: p }, (_, j) => x.reduce((s, r) => s + r[i] * r[j], 0)), x.reduce((s, r, n) => s + r[i] * y[n], 0)]);
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    if (Math.abs(a[c][c]) < 1e-12) return Array.from({ length: p }, () => 0);
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row, i) => row[p] / row[i]);
}

/** The pause before each idle round trip: a machine's time between requests at a few hundred a second. */
export const IDLE_GAP_MS = 5;

/** Median one-way time of `n` round trips to a machine, `gapMs` apart, less the time the worker itself spent. */
async function oneWayMs(machines: LiveMachines, n: number, gapMs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    if (gapMs > 0) await sleepUntil(wallMs() + gapMs);
    const t0 = wallMs();
    const a = await machines.holdCore(0, 0);
    times.push((wallMs() - t0 - a.inWorkerMs) / 2);
  }
  return median(times);
}

/** Nanoseconds a hit costs the router's merge: 40 shards' top 10, merged many times. */
function mergeNsPerHit(): number {
  const lists: Hit[][] = Array.from({ length: 40 }, (_, s) => Array.from({ length: 10 }, (_, i) => ({ id: `d${s}-${i}`, score: 10 - i + s / 100 })));
  const rounds = 2000;
  for (let i = 0; i < 200; i++) mergeTopK(lists, 10);
  const t0 = wallMs();
  for (let i = 0; i < rounds; i++) mergeTopK(lists, 10);
  return ((wallMs() - t0) * 1e6) / (rounds * 400);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The median of `xs`, with the lowest and highest. */
export function measuredOf(xs: readonly number[]): Measured {
  return { value: median(xs), low: Math.min(...xs), high: Math.max(...xs) };
}
