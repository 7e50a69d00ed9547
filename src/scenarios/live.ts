import { availableParallelism } from 'node:os';
import { Analyzer, Expander, WordNet } from '../analysis/index.ts';
import { SyntheticServiceModel, slowMachineIds } from '../cluster/index.ts';
import { Rng, errors } from '../core/index.ts';
import { hardwarePreset } from '../hardware/index.ts';
import type { ShardSetSpec, UpdateOp } from '../index/index.ts';
import { readCorpus, type Doc } from '../corpus/index.ts';
import { LiveCluster, LivePreparer, WallClock } from '../live/index.ts';
import type { LiveReport, RunReport } from '../report/index.ts';
import { LiveMachines, type LiveDiskSpec } from '../shard/index.ts';
import { blankPreparer, blankQueries, loadTrace, replay, type ArrivalSpec, type LoadedTrace, type Preparer, type ReplayUpdates, type SourcedQuery, type TraceLoad } from '../workload/index.ts';
import { resolvePath, scenarioError, type LoadedScenario } from './load.ts';
import type { Scenario } from './schema.ts';
import { DEFAULT_TRACE, applyOverrides, corpusOf, indexReport, replayUpdates, reportOf, updateCostOf, type ScenarioOverrides } from './simulate.ts';

/**
 * What a live run may ask of this host. Machines: one worker thread each (about 40 MB of heap apiece,
 * and on a 2-core host more threads than cores only take turns, which the report's host cores show).
 * Documents: every machine builds its shard from the corpus, replicas each their own copy. Duration: a
 * live run takes the wall time it replays.
 */
export const LIVE_LIMITS = { machines: 32, documents: 500_000, durationS: 600 } as const;

/** A leaf that has not answered after this long ends the run: no live run hangs. */
export const LIVE_WATCHDOG_MS = 30_000;

export interface LiveOptions extends ScenarioOverrides {
  /** Replay this many seconds of an open-loop workload (its rate times this many queries). */
  durationS?: number;
  skipInvalid?: boolean;
  onProgress?: (done: number, total: number) => void;
  onTraceLoad?: (load: TraceLoad) => void;
  /** What the live run does differently from the scenario as written (said once, before it starts). */
  onNote?: (note: string) => void;
}

export interface LiveRunReport extends RunReport {
  live: LiveReport;
}

/**
 * Runs a scenario live: its shards and replicas as worker threads on this host, queries issued at their
 * intended instants by the open-loop (or closed-loop) driver on the wall clock, latency from those
 * instants into the same report as `simulate`. The index is served at its real size: a scenario's
 * modelled index (`cluster.modelledDocs`) is a simulation's, and is said to be left out.
 */
export async function live(loaded: LoadedScenario, options: LiveOptions = {}): Promise<LiveRunReport> {
  const notes: string[] = [];
  // A live run is short: --queries and --duration keep the scenario's share of warm-up, however few.
  const { queries, ...others } = options;
  const overridden = applyOverrides(loaded.scenario, others);
  const s = withDuration(queries !== undefined ? withQueries(overridden, queries) : overridden, options.durationS);
  checkLiveSupport(loaded.source, s);
  checkLiveSpan(loaded.source, s);
  const hw = hardwarePreset(s.cluster.hardware);
  noteDifferences(s, hw.cpu.cores, notes);
  for (const n of notes) options.onNote?.(n);

  const disk: LiveDiskSpec | null = s.cluster.mode === 'disk' ? { disk: hw.disk, cacheBytes: s.cluster.cacheBytes ?? hw.memory.ramBytes - hw.memory.reservedBytes } : null;
  const traceOptions = { format: s.workload.traceFormat, skipInvalid: options.skipInvalid };
  const tracePath = s.workload.trace ? resolvePath(loaded.baseDir, s.workload.trace) : null;
  const trace: LoadedTrace | null = tracePath !== null || s.service.kind === 'index' ? await loadTrace(tracePath ?? DEFAULT_TRACE, s.workload.queries, s.workload.arrival as ArrivalSpec, traceOptions) : null;

  let shardSpec: ShardSetSpec | null = null;
  if (s.service.kind === 'index') {
    const { corpus, corpusOptions } = corpusOf(s, loaded);
    shardSpec = { corpus, corpusOptions, analyzer: s.analyzer, shards: s.cluster.shards, storage: { kind: 'memory' } };
  }
  const slowMachines = s.faults?.slowMachines;
  // The machines a simulated cluster slows: the same stream, forked the same way (src/cluster/cluster.ts).
  const slow = slowMachines ? { machines: slowMachineIds(s.cluster.shards * s.cluster.replicas, slowMachines.share, new Rng(s.seed).fork('cluster').fork('slow-machines')), factor: slowMachines.factor } : undefined;
  const machines = await LiveMachines.open({ shards: s.cluster.shards, replicas: s.cluster.replicas, index: shardSpec, disk, slow });
  const clock = new WallClock();
  let serving: LiveCluster | null = null;
  try {
    const info = await machines.info();
    const realDocs = info.reduce((a, i) => a + i.docs, 0);
    if (realDocs > LIVE_LIMITS.documents) {
      throw scenarioError(loaded.source, 'corpus', `holds ${realDocs} documents, more than live mode's ${LIVE_LIMITS.documents} (every machine builds its shard on this host); use a smaller corpus`);
    }
    const index = shardSpec ? indexReport({ ...s, cluster: { ...s.cluster, modelledDocs: undefined, indexBytesPerDoc: undefined } }, realDocs, info.reduce((a, i) => a + i.postingBytes, 0), hw.memory.ramBytes) : null;
    const preparer = shardSpec ? await livePreparer(s, machines) : null;
    let updates: ReplayUpdates | undefined;
    if (s.updates && shardSpec && preparer && index) {
      // Changes reach every replica's own index on its thread, when they become visible.
      const apply = async (ops: UpdateOp[]) => {
        const r = await machines.update(ops);
        preparer.forget(r.changedTerms);
        return r;
      };
      const lists = info.reduce((a, i) => a + i.lists, 0);
      const documents = async () => {
        const docs: Doc[] = [];
        for await (const { doc } of readCorpus(shardSpec.corpus!, shardSpec.corpusOptions)) docs.push(doc);
        return docs;
      };
      updates = await replayUpdates(s, loaded, apply, new Analyzer(s.analyzer), new Rng(s.seed), index, updateCostOf(s, index, lists), hw.disk.transferBytesPerMs, documents);
    }
    serving = new LiveCluster(clock, machines, {
      k: s.workload.k,
      selection: s.cluster.selection,
      service: s.service.kind === 'index' ? null : new SyntheticServiceModel(s.service, new Rng(s.seed).fork('service'), s.workload.k),
      hardware: hw,
      watchdogMs: LIVE_WATCHDOG_MS,
      seed: s.seed,
      stalls: s.faults?.stalls,
    });
    if (trace) options.onTraceLoad?.(trace.load);
    const source: AsyncIterable<SourcedQuery> = trace ? trace.source() : blankQueries(s.workload.queries);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // Progress is answered queries: preparation runs a chunk ahead, so its count would run ahead of the clock.
    let answered = 0;
    const total = s.workload.queries;
    const result = await replay(
      { seed: s.seed, queries: total, warmupQueries: s.workload.warmupQueries, arrival: s.workload.arrival as ArrivalSpec, reportCache: disk !== null, updates, onOutcome: () => options.onProgress?.(++answered, total) },
      source,
      (preparer ?? blankPreparer) as Preparer,
      { clock, serving },
    );
    const replayS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const hostCores = availableParallelism();
    const processCpuShare = (cpu.user + cpu.system) / 1000 / (replayS * 1000 * hostCores);
    const report = reportOf(s, { hardware: hw, cores: 1, disks: disk ? 1 : 0 }, index, trace, preparer ? { meanTerms: preparer.meanTerms, receiptCache: null } : null, result);
    return { ...report, live: { machines: machines.machines, hostCores, processCpuShare, issueLatenessMs: serving.issueLateness(), replayS, notes } };
  } finally {
    serving?.close();
    clock.stop();
    await machines.close();
  }
}

/** The live preparer: the scenario's analysis and expansion, statistics from the machines. */
async function livePreparer(s: Scenario, machines: LiveMachines): Promise<LivePreparer> {
  const e = s.expansion;
  let rewrite;
  if (e.policy !== 'none') {
    const vocabulary = e.policy === 'synonyms' ? [] : await machines.vocabulary();
    const expander = new Expander(new Analyzer(s.analyzer), { policy: e.policy, senses: e.senses, addedWeight: e.weight }, e.policy === 'morph' ? null : WordNet.load(), vocabulary);
    rewrite = (terms: Parameters<Expander['expandTerms']>[0]) => expander.expandTerms(terms, e.maxTerms).map((t) => ({ term: t.term, weight: t.weight }));
  }
  return new LivePreparer(machines, new Analyzer(s.analyzer), { k: s.workload.k, mode: s.workload.match, rewrite });
}

/** `--duration`: an open-loop workload's rate times the seconds, the warm-up the same share of it. */
function withDuration(s: Scenario, durationS: number | undefined): Scenario {
  if (durationS === undefined) return s;
  if (!(durationS > 0 && durationS <= LIVE_LIMITS.durationS)) throw errors.option('--duration', `a duration from 1 ms to ${LIVE_LIMITS.durationS} s`, `${durationS} s`);
  const a = s.workload.arrival;
  if (!('qps' in a)) throw errors.option('--duration', `used with arrival kinds fixed, poisson or diurnal (this scenario's is ${a.kind}); use --queries instead`, `${durationS} s`);
  return withQueries(s, Math.max(2, Math.ceil(durationS * a.qps)));
}

/** `queries` queries, the warm-up the same share of them as the scenario's (at least one measured). */
export function withQueries(s: Scenario, queries: number): Scenario {
  if (!(Number.isInteger(queries) && queries >= 2)) throw errors.option('--queries', 'an integer of at least 2 (a warm-up and a measured query)', queries);
  const warmupQueries = Math.min(queries - 1, Math.round((queries * s.workload.warmupQueries) / s.workload.queries));
  return { ...s, workload: { ...s.workload, queries, warmupQueries } };
}

/** Live mode runs the shards, replicas and workload; what it does not run yet is refused by name, never dropped. */
function checkLiveSupport(source: string, s: Scenario): void {
  const f = s.faults;
  const unsupported: [string, unknown][] = [
    ['router', s.router],
    ['faults.failures', f?.failures],
    ['faults.outages', f?.outages],
    ['faults.detectionMs', f?.detectionMs],
    ['faults.queriesOfDeath', f?.queriesOfDeath],
    ['searcher', s.searcher],
    ['funnel', s.funnel],
  ];
  for (const [field, value] of unsupported) {
    if (value !== undefined) throw scenarioError(source, field, `live mode does not run this section yet (it runs shards, replicas, disk or memory mode, expansion, updates, slow machines, stalls and the workload); run it with "searchsim run", or remove it`);
  }
  const machines = s.cluster.shards * s.cluster.replicas;
  if (machines > LIVE_LIMITS.machines) {
    throw scenarioError(source, 'cluster.shards', `${s.cluster.shards} shards x ${s.cluster.replicas} replicas make ${machines} machines, more than live mode's limit of ${LIVE_LIMITS.machines} (one worker thread each)`);
  }
}

/** A live run takes the wall time it replays: refused past LIVE_LIMITS.durationS, saying how to shorten it. */
function checkLiveSpan(source: string, s: Scenario): void {
  const a = s.workload.arrival;
  const n = s.workload.queries;
  let spanS: number | null = null;
  if ('qps' in a) spanS = n / a.qps;
  else if (a.kind === 'closed') spanS = ((n / a.clients) * a.thinkMs) / 1000;
  if (spanS !== null && spanS > LIVE_LIMITS.durationS) {
    throw scenarioError(source, 'workload.queries', `would take ${Math.round(spanS)} s of wall time live (${n} queries), more than live mode's ${LIVE_LIMITS.durationS} s; use --duration or --queries for fewer`, n);
  }
}

/** What a live run serves differently from the scenario as written. */
function noteDifferences(s: Scenario, hardwareCores: number, notes: string[]): void {
  if (s.cluster.modelledDocs !== undefined || s.cluster.indexBytesPerDoc !== undefined) {
    notes.push('live mode serves the real index at its real size: cluster.modelledDocs and indexBytesPerDoc (a simulation\'s modelled index) are left out');
  }
  const cores = s.cluster.coresPerMachine ?? hardwareCores;
  if (cores !== 1 || (s.cluster.disksPerMachine ?? 1) !== 1) {
    notes.push(`a live machine is one worker thread with one core and, in disk mode, one disk: the scenario's ${cores} cores${(s.cluster.disksPerMachine ?? 1) !== 1 ? ` and ${s.cluster.disksPerMachine} disks` : ''} a machine are left out (set cluster.coresPerMachine to 1 for a simulation to compare)`);
  }
}
