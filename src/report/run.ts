import type { LatencySummary } from '../metrics/index.ts';
import type { ReplayResult, TraceLoad } from '../workload/index.ts';

/**
 * Bump when the run JSON changes shape. 2: utilisation and throughputQps count the whole measured window
 * (the warm-up's backlog included); utilisation lists every machine. 3: criticalPath (where a query's time
 * goes); searcher and list sizes in the cluster section; workload.traceLoad, the trace load report.
 * 4: coverage (share of shards in an answer) and leafRequests (copies sent, hedges, cancellations).
 * 5: fanOut (one leaf, 95 % of leaves and all leaves: The Tail at Scale's Table 1); leafRequests.bothStartedShare
 * (tied requests); cluster.router.tie and cluster.faults.stalls.
 */
export const RUN_FORMAT_VERSION = 6;

/** The modelled index beside the real one it was measured on (docs/DESIGN.md section 2, Scale). */
export interface IndexReport {
  realDocs: number;
  realIndexBytes: number;
  modelledDocs: number;
  modelledIndexBytes: number;
  modelledBytesPerDoc: number;
  /** Modelled index bytes one shard holds. */
  shardIndexBytes: number;
  ramBytesPerMachine: number;
  /** RAM of all machines together. */
  aggregateRamBytes: number;
}

export interface RunReport extends ReplayResult {
  formatVersion: number;
  scenario: { name: string; seed: number; service: string };
  machines: number;
  cluster: {
    shards: number;
    replicas: number;
    mode: string;
    hardware: string;
    coresPerMachine: number;
    disksPerMachine: number;
    selection: string;
    /** How real lists stand for modelled ones: uniform or per-term. */
    listSizes: string;
    /** The searcher: exhaustive (null), or its match budget, document order and tiers. */
    searcher: { matchBudget: number; order: string; firstTierShare: number | null; realBudgetPerShard: number | null } | null;
    /** The router's tail tolerance and the modelled faults, as the scenario set them (null: none). */
    router: { deadlineMs?: number; hedge?: { afterMs: number | 'p95'; maxExtraShare: number }; tie?: { afterMs: number; messageMs: number }; canaries?: { count: number; maxCrashes: number }; probation?: { factor: number; forMs: number; minSamples: number }; resultCache?: { entries: number; maxAgeS?: number } } | null;
    faults: {
      slowMachines?: { share: number; factor: number };
      stalls?: { everyMs: number; forMs: number };
      failures?: { mtbfMs: number; mttrMs: number };
      outages?: { machine: number; atMs: number; forMs: number }[];
      detectionMs?: number;
      queriesOfDeath?: { share: number; repairMs: number };
    } | null;
  };
  index: IndexReport | null;
  workload: { arrival: unknown; trace: string | null; k: number; match: string; skippedLines: number; traceLoad: TraceLoad | null };
  /** The expansion applied (index service): policy and the mean terms per query it produced. */
  expansion: { policy: string; senses: string; maxTerms: number; weight: number; meanTerms: number } | null;
  receiptCache: { hits: number; misses: number } | null;
  /** A ranking funnel's stages (scenario.funnel), a measured query on average; null without one. */
  funnel: FunnelReport | null;
  /** Present when the run was live (`searchsim live`): the shards on worker threads in wall-clock time. */
  live?: LiveReport;
  /** Present when the run was asked for an expansion study. */
  expansionStudy?: ExpansionStudy;
  /** Present when the run was asked for an update-rate study. */
  updateRateStudy?: UpdateRateStudy;
}

/**
 * A ranking funnel's stages, a measured query on average: candidates in and out (over all leaves for a
 * leaf stage), the time on the query's critical path and its share of the mean latency, the core (or
 * device) time summed over every machine that ran it, and its energy. Queueing is the rest of the latency.
 */
export interface FunnelReport {
  stages: FunnelStageRow[];
  queueingShare: number;
}

export interface FunnelStageRow {
  /** kind:keep as written, or "send + merge" for the candidates' trip to the root. */
  stage: string;
  where: 'leaves' | 'root';
  /** null for the first stage: it reads the whole index (`index.modelledDocs` documents). */
  candidatesIn: number | null;
  candidatesOut: number;
  latencyMs: number;
  latencyShare: number;
  cpuMsPerQuery: number;
  energyJPerQuery: number;
  /** Where a root model runs (device name); null on the leaves' cores. */
  device: string | null;
  /**
   * A root model's devices kept busy at the run's throughput (its time a query x queries a second): how
   * many it needs at least. The model does not queue for its device (like the merge), so past one device
   * the latency is what that many devices would give. null on the leaves.
   */
  devicesBusy: number | null;
}

/** The funnel table: one row a stage. */
export function funnelRows(f: FunnelReport): string[][] {
  const n = (x: number | null) => (x === null ? 'all' : Math.round(x).toLocaleString('en-US'));
  return [
    ['stage', 'runs on', 'candidates in', 'out', 'critical path ms', 'share of latency', 'CPU ms a query', 'energy J a query', 'devices busy'],
    ...f.stages.map((s) => [
      s.stage,
      s.where === 'root' ? `root${s.device ? ` (${s.device})` : ''}` : 'leaves',
      n(s.candidatesIn),
      n(s.candidatesOut),
      fmtMs(s.latencyMs),
      pct(s.latencyShare),
      fmtMs(s.cpuMsPerQuery),
      s.energyJPerQuery.toPrecision(3),
      s.devicesBusy === null ? '' : s.devicesBusy.toPrecision(3),
    ]),
    ['queueing', '', '', '', '', pct(f.queueingShare), '', '', ''],
  ];
}

/** What only a live run reports. */
export interface LiveReport {
  /** Worker threads, one a machine, and the cores the host has for them. */
  machines: number;
  hostCores: number;
  /**
   * This process's CPU time over the replay (router, load generator and every machine's thread) as a
   * share of the host's cores: the host's own load, which no machine's busy share shows.
   */
  processCpuShare: number;
  /** How late the load generator issued measured queries behind their intended instants (latency counts from those). */
  issueLatenessMs: LatencySummary;
  /** Wall time of the replay itself. */
  replayS: number;
  /** What the live run served differently from the scenario as written. */
  notes: string[];
}

/** The live run's own rows of the terminal summary. */
export function liveRows(l: LiveReport): [string, string][] {
  const q = l.issueLatenessMs;
  return [
    ['live', `${l.machines} worker threads (one a machine) on ${l.hostCores} host cores, ${(l.processCpuShare * 100).toFixed(1)} % of them busy; replayed in ${l.replayS.toFixed(1)} s of wall time; energy not measured`],
    ['issue lateness p50 / p99 / max', `${fmtMs(q.p50)} / ${fmtMs(q.p99)} / ${fmtMs(q.max)} ms behind the intended instants (counted in the latency)`],
    ...l.notes.map((n) => ['note', n] as [string, string]),
  ];
}

/** Query latency and freshness against the modelled change rate, and the largest rate the SLO allows. */
export interface UpdateRateStudy {
  slo: string;
  points: {
    ratePerS: number;
    latencyMs: { p50: number; p99: number };
    freshness: { p50Ms: number; p99Ms: number };
    updateUtilisation: number;
    meetsSlo: boolean;
  }[];
  /** The largest studied rate whose run meets the SLO (0 when none does). */
  sustainedRatePerS: number;
}

/** Latency, capacity and seeks against the number of query terms, and what an SLO affords. */
export interface ExpansionStudy {
  slo: string;
  points: {
    terms: number;
    meanTerms: number;
    latencyMs: { p50: number; p99: number };
    seeksPerQuery: number;
    /** Bottleneck-law capacity: completed queries/s over the busiest machine's utilisation. */
    maxQps: number | null;
    meetsSlo: boolean;
  }[];
  /** The largest term count in the study whose run meets the SLO (0 when none does). */
  affordableTerms: number;
}

const LAT_KEYS = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
const fmtMs = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatBytes(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (b >= 1000 && i < units.length - 1) {
    b /= 1000;
    i++;
  }
  return `${b >= 100 ? b.toFixed(0) : b.toFixed(1)} ${units[i]}`;
}

/** Shards from which a run's summary shows the fan-out rows unasked. */
const WIDE_FAN_OUT = 100;

/** Coverage and the router's extra copies, for a run with tail tolerance, faults or partial answers. */
function tailRows(r: RunReport): [string, string][] {
  const c = r.coverage;
  const l = r.leafRequests;
  const rows: [string, string][] = [['coverage mean / p1 / p10', `${pct(c.mean)} / ${pct(c.p1)} / ${pct(c.p10)} of shards; ${pct(c.fullShare)} of queries answered in full`]];
  const both = l.bothStartedShare > 0 ? `, ${pct(l.bothStartedShare)} ran twice (tied)` : '';
  rows.push(['leaf requests a query', `${l.perQuery.toFixed(1)}: ${pct(l.extraShare)} extra copies (hedges, ties), ${pct(l.cancelledShare)} cancelled${both}`]);
  const t = r.fanOut;
  const q = (x: { p50: number; p95: number; p99: number }) => [x.p50, x.p95, x.p99].map((v) => (Number.isNaN(v) ? '-' : fmtMs(v))).join(' / ');
  rows.push(['one leaf / 95 % of leaves / all leaves (p50 / p95 / p99)', `${q(t.oneLeafMs)} ms; ${q(t.mostLeavesMs)} ms; ${q(t.allLeavesMs)} ms`]);
  if (l.probations > 0) rows.push(['probations', `${l.probations} machines put on probation for being slow`]);
  if (l.crashes > 0 || l.refusedQueries > 0) rows.push(['queries of death', `${l.crashes} machines crashed, ${l.refusedQueries} queries refused`]);
  return rows;
}

/** The result cache's hit ratio beside its bound, and the latency around each flush. */
function resultCacheRows(c: NonNullable<RunReport['resultCache']>): [string, string][] {
  const age = c.maxAgeS !== null ? `, answers at most ${c.maxAgeS} s old` : '';
  const rows: [string, string][] = [['result cache', `${pct(c.hitRatio)} of queries answered by it (${c.entries.toLocaleString('en-US')} entries${age}); an infinite cache: ${pct(c.infiniteCacheBound)}`]];
  const show = (b: (typeof c.overTime)[number] | undefined) => (b ? `hits ${pct(b.hitRatio)}, p99 ${fmtMs(b.p99Ms)} ms` : '-');
  for (const atS of c.flushesAtS) {
    // The stretches (1/20 of the run each) before the one holding the flush, that one, and the next.
    const next = c.overTime.findIndex((b) => b.fromS >= atS);
    const holding = next === -1 ? c.overTime.length - 1 : next - 1;
    rows.push([`result cache flushed at ${atS.toFixed(1)} s`, `a new index went live; stretch before: ${show(c.overTime[holding - 1])}; holding it: ${show(c.overTime[holding])}; after: ${show(c.overTime[holding + 1])}`]);
  }
  return rows;
}

/** Whether the router has tail options (a deadline, hedges, ties, canaries), not only a result cache. */
function hasTailOptions(r: RunReport): boolean {
  const o = r.cluster.router;
  return o !== null && (o.deadlineMs !== undefined || o.hedge !== undefined || o.tie !== undefined || o.canaries !== undefined || o.probation !== undefined);
}

/** The terminal summary: one metric a row. */
export function runSummaryRows(r: RunReport): [string, string][] {
  const rows: [string, string][] = [
    ['scenario', `${r.scenario.name} (seed ${r.scenario.seed}, service ${r.scenario.service})`],
    ['cluster', `${r.cluster.shards} shards x ${r.cluster.replicas} replicas = ${r.machines} machines, ${r.cluster.mode} mode, hardware ${r.cluster.hardware}`],
    ['queries', `${r.queries.measured} measured after ${r.queries.warmup} warm-up`],
    ...(r.expansion ? [['terms per query', `${r.expansion.meanTerms.toFixed(1)} (expansion ${r.expansion.policy}, at most ${r.expansion.maxTerms})`] as [string, string]] : []),
    ['offered / completed', `${r.offeredQps.toFixed(1)} / ${r.throughputQps.toFixed(1)} queries/s`],
    ['latency mean / p50 / p90 / p99 / p99.9 / max', LAT_KEYS.map((k) => fmtMs(r.latencyMs[k])).join(' / ') + ' ms'],
    ['service mean / p50 / p90 / p99 / p99.9 / max', LAT_KEYS.map((k) => fmtMs(r.serviceMs[k])).join(' / ') + ' ms'],
    ['utilisation cpu mean / max', `${(r.utilisation.cpu.mean * 100).toFixed(1)} % / ${(r.utilisation.cpu.max * 100).toFixed(1)} %`],
  ];
  if (r.cluster.mode === 'disk') rows.push(['utilisation disk mean / max', `${(r.utilisation.disk.mean * 100).toFixed(1)} % / ${(r.utilisation.disk.max * 100).toFixed(1)} %`]);
  rows.push(['shard imbalance (max/mean)', r.shardImbalance.toFixed(3)]);
  const cp = r.criticalPath.share;
  rows.push([
    'where the time goes',
    `seek ${pct(cp.seek)}, rotation ${pct(cp.rotation)}, transfer ${pct(cp.transfer)}, CPU ${pct(cp.cpu)}, merge ${pct(cp.merge)}${cp.rank > 0 ? `, ranking ${pct(cp.rank)}` : ''}, network ${pct(cp.network)}, queueing ${pct(cp.queueing)}`,
  ]);
  if (r.cluster.searcher) {
    rows.push(['searcher', `early termination: ${r.cluster.searcher.matchBudget.toLocaleString('en-US')} matches a query (${r.cluster.searcher.order} order${r.cluster.searcher.firstTierShare !== null ? `, first tier ${(r.cluster.searcher.firstTierShare * 100).toFixed(0)} %` : ''}); lists ${r.cluster.listSizes}`]);
  } else if (r.cluster.listSizes !== 'uniform') rows.push(['searcher', `exhaustive; lists ${r.cluster.listSizes}`]);
  rows.push([
    'per query',
    `${r.perQuery.seeks.toFixed(1)} seeks, ${formatBytes(r.perQuery.bytesRead)} read from disk, ${Math.round(r.perQuery.postingsDecoded).toLocaleString('en-US')} postings, ${r.perQuery.energyJ.toFixed(3)} J`,
  ]);
  if (r.resultCache) rows.push(...resultCacheRows(r.resultCache));
  if (r.bufferCache) rows.push(['buffer cache hit ratio', `${(r.bufferCache.hitRatio * 100).toFixed(1)} % (last ${Math.round(100 / Math.max(1, r.bufferCache.overTime.length))} % of the run: ${((r.bufferCache.overTime.at(-1)?.hitRatio ?? 0) * 100).toFixed(1)} %)`]);
  if (r.index) {
    rows.push(['index real', `${r.index.realDocs.toLocaleString('en-US')} docs, ${formatBytes(r.index.realIndexBytes)}`]);
    rows.push([
      'index modelled',
      `${r.index.modelledDocs.toLocaleString('en-US')} docs, ${formatBytes(r.index.modelledIndexBytes)} (${formatBytes(r.index.shardIndexBytes)} a shard; aggregate RAM ${formatBytes(r.index.aggregateRamBytes)})`,
    ]);
  }
  if (r.freshness) {
    const f = r.freshness;
    const t = (ms: number) => (ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(1)} d` : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
    rows.push(['freshness p50 / p99 / max', `${t(f.p50Ms)} / ${t(f.p99Ms)} / ${t(f.maxMs)} (${f.policy})`]);
    rows.push(['changes', `${f.changes}: ${f.applied} visible during the run, ${f.pending} later, ${f.rejected} rejected; updates use ${(f.updateUtilisation * 100).toFixed(1)} % of machine time`]);
    rows.push(['staleness', `${(f.staleness * 100).toFixed(2)} % of ${f.returnedDocs} returned documents were older than their latest version`]);
  }
  // A wide fan-out shows its leaves' figures even without tail options (The Tail at Scale's Table 1).
  if (hasTailOptions(r) || r.cluster.faults || r.coverage.mean < 1 || r.cluster.shards >= WIDE_FAN_OUT) rows.push(...tailRows(r));
  if (r.workload.skippedLines > 0) rows.push(['skipped trace lines', String(r.workload.skippedLines)]);
  return rows;
}
