import { join } from 'node:path';
import { Analyzer, Expander, WordNet, type AnalyzerOptions, type ExpansionPolicy } from '../analysis/index.ts';
import {
  IndexServiceModel,
  PerTermServiceModel,
  SyntheticServiceModel,
  WebTermScale,
  type LeafCpuCost,
  updatePolicy,
  type ClusterOptions,
  type QueryOutcome,
  type UpdateCostInputs,
  type ServiceModel,
} from '../cluster/index.ts';
import { Rng, SearchsimError, errors, shardOf } from '../core/index.ts';
import { readCorpus, requireFile, type CorpusOptions, type Doc } from '../corpus/index.ts';
import { hardwarePreset } from '../hardware/index.ts';
import type { ShardInfo, ShardSet, ShardSetSpec, UpdateOp, UpdateResult } from '../index/index.ts';
import { RUN_FORMAT_VERSION, formatBytes, type IndexReport, type RunReport } from '../report/index.ts';
import { openShards } from '../shard/index.ts';
import {
  QueryPreparer,
  ReceiptCache,
  blankPreparer,
  blankQueries,
  formatSpan,
  generateUpdates,
  loadTrace,
  readUpdateTrace,
  replay,
  simulatedTarget,
  type ArrivalSpec,
  type LoadedTrace,
  type Preparer,
  type ReplayResult,
  type ReplayUpdates,
  type SourcedQuery,
  type TraceLoad,
  type TraceOptions,
  type UpdateEvent,
} from '../workload/index.ts';
import { BRIN_PAGE_INDEX_BYTES_PER_DOC, PACKAGE_ROOT } from './constants.ts';
import { resolvePath, scenarioError, type LoadedScenario } from './load.ts';
import type { RunCache } from './runCache.ts';
import { searcherOf, type Searcher } from './searcher.ts';
import { funnelPlan, funnelReport, type FunnelPlan } from './funnel.ts';
import { QPS_RANGE, type Scenario } from './schema.ts';

/** The bundled trace used when a scenario names none. */
export const DEFAULT_TRACE = join(PACKAGE_ROOT, 'workloads/trec-2005-efficiency/queries.jsonl');

export { BRIN_PAGE_INDEX_BYTES_PER_DOC };

export interface SimulateOptions {
  seed?: number;
  queries?: number;
  qps?: number;
  skipInvalid?: boolean;
  /** Shard worker threads (default: the scenario's, else min(cores, shards)). */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
  /** The trace load report, told once everything is set up, just before the replay starts. */
  onTraceLoad?: (load: TraceLoad) => void;
  /** Every query's outcome, warm-up included (a run asked for outcomes is never taken from the cache). */
  onOutcome?: (o: QueryOutcome) => void;
  /** Finished runs on disk (see RunCache): a run already made is read back instead of run again. */
  cache?: RunCache | null;
}

/** Applies command-line overrides to a scenario; errors name the option. */
/** The options a user can override a scenario's fields with. */
export type ScenarioOverrides = Pick<SimulateOptions, 'seed' | 'queries' | 'qps'>;

export function applyOverrides(s: Scenario, o: ScenarioOverrides): Scenario {
  const out: Scenario = structuredClone(s);
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.queries !== undefined) {
    if (o.queries <= out.workload.warmupQueries) {
      throw errors.option('--queries', `more than the scenario's workload.warmupQueries (${out.workload.warmupQueries})`, o.queries);
    }
    out.workload.queries = o.queries;
  }
  if (o.qps !== undefined) {
    const a = out.workload.arrival;
    if (a.kind === 'trace' || a.kind === 'closed') throw errors.option('--qps', `used with arrival kinds fixed, poisson or diurnal (this scenario's is ${a.kind})`, o.qps);
    if (!(o.qps >= QPS_RANGE.min && o.qps <= QPS_RANGE.max)) throw errors.option('--qps', `a rate from ${QPS_RANGE.min} to ${QPS_RANGE.max} queries per second`, o.qps);
    a.qps = o.qps;
  }
  return out;
}

/**
 * What several runs can share: open shard sets (keyed by their spec: a comparison or a study reuses the
 * index it built), the WordNet database and each set's vocabulary. Close it when done.
 */
export class RunContext {
  private readonly sets = new Map<string, Promise<{ set: ShardSet; info: ShardInfo[] }>>();
  private readonly vocabularies = new Map<ShardSet, Promise<string[]>>();
  private readonly receiptCaches = new Map<ShardSet, ReceiptCache>();
  private readonly traces = new Map<string, Promise<LoadedTrace>>();
  private wn: WordNet | null = null;

  /** A trace read once for all the runs that replay it the same way (a study's points, a comparison's sides). */
  trace(path: string, needed: number, arrival: ArrivalSpec, options: TraceOptions): Promise<LoadedTrace> {
    const key = JSON.stringify([path, needed, arrival, options]);
    let t = this.traces.get(key);
    if (!t) {
      this.traces.set(key, (t = loadTrace(path, needed, arrival, options)));
      t.catch(() => this.traces.delete(key));
    }
    return t;
  }

  shards(spec: ShardSetSpec, threads: number | undefined): Promise<{ set: ShardSet; info: ShardInfo[] }> {
    const key = JSON.stringify([spec, threads]);
    let p = this.sets.get(key);
    if (!p) {
      p = openShards(spec, threads).then(async (set) => ({ set, info: await set.info() }));
      this.sets.set(key, p);
      p.catch(() => this.sets.delete(key));
    }
    return p;
  }
  receipts(set: ShardSet): ReceiptCache {
    let r = this.receiptCaches.get(set);
    if (!r) this.receiptCaches.set(set, (r = new ReceiptCache()));
    return r;
  }
  wordnet(): WordNet {
    return (this.wn ??= WordNet.load());
  }
  vocabulary(set: ShardSet): Promise<string[]> {
    let v = this.vocabularies.get(set);
    if (!v) this.vocabularies.set(set, (v = set.vocabulary()));
    return v;
  }
  private readonly expanders = new Map<string, Promise<Expander>>();
  /**
   * The expander of a shard set's vocabulary (as first built) for a policy: runs that differ only in the
   * term cap (a study's points, or a run and its private fork) share it and its candidate lists.
   */
  expander(spec: ShardSetSpec, threads: number | undefined, e: { policy: ExpansionPolicy; senses: 'all' | 'first'; weight: number }): Promise<Expander> {
    const key = JSON.stringify([spec, threads, e.policy, e.senses, e.weight]);
    let x = this.expanders.get(key);
    if (!x) {
      x = (async () => {
        const vocabulary = e.policy === 'synonyms' ? [] : await this.vocabulary((await this.shards(spec, threads)).set);
        return new Expander(new Analyzer(spec.analyzer), { policy: e.policy, senses: e.senses, addedWeight: e.weight }, e.policy === 'morph' ? null : this.wordnet(), vocabulary);
      })();
      this.expanders.set(key, x);
    }
    return x;
  }
  private readonly corpora = new Map<string, Promise<Doc[]>>();
  /** A corpus's documents, read once (a generated change stream edits them). */
  documents(corpus: string, options: CorpusOptions): Promise<Doc[]> {
    const key = JSON.stringify([corpus, options]);
    let d = this.corpora.get(key);
    if (!d) {
      d = (async () => {
        const docs: Doc[] = [];
        for await (const { doc } of readCorpus(corpus, options)) docs.push(doc);
        return docs;
      })();
      this.corpora.set(key, d);
    }
    return d;
  }
  /**
   * Shards for one run alone (a run whose changes mutate them): a fork of the shared set, so the corpus
   * is read and indexed once; closed with the context.
   */
  async privateShards(spec: ShardSetSpec, threads: number | undefined): Promise<{ set: ShardSet; info: ShardInfo[] }> {
    const p = this.shards(spec, threads).then(async ({ set, info }) => ({ set: await set.fork(), info }));
    this.forks.push(p);
    return p;
  }
  private readonly forks: Promise<{ set: ShardSet; info: ShardInfo[] }>[] = [];
  private readonly scales = new Map<string, WebTermScale>();
  /** Per-term list sizes for an analyzer and a modelled index size (the word list is analysed once). */
  webScale(analyzer: Partial<AnalyzerOptions> | undefined, modelledDocs: number): WebTermScale {
    const key = JSON.stringify([analyzer, modelledDocs]);
    let w = this.scales.get(key);
    if (!w) this.scales.set(key, (w = new WebTermScale(new Analyzer(analyzer), modelledDocs)));
    return w;
  }
  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.forks.splice(0), ...this.sets.values()]);
    this.sets.clear();
    for (const r of all) if (r.status === 'fulfilled') await r.value.set.close();
  }
}

/** Runs a scenario: real shards (or a synthetic service) timed on the modelled cluster. */
export async function simulate(loaded: LoadedScenario, options: SimulateOptions = {}, context?: RunContext): Promise<RunReport> {
  const cache = options.onOutcome ? null : (options.cache ?? null);
  const key = cache ? cache.key(applyOverrides(loaded.scenario, options), loaded, { skipInvalid: options.skipInvalid === true }, DEFAULT_TRACE) : null;
  const cached = key !== null ? cache!.get(key) : null;
  if (cached) {
    // The user sees what a fresh run would have told them about its trace.
    if (cached.workload.traceLoad) options.onTraceLoad?.(cached.workload.traceLoad);
    options.onProgress?.(cached.queries.total, cached.queries.total);
    return cached;
  }
  const ctx = context ?? new RunContext();
  try {
    const report = await simulateIn(loaded, options, ctx);
    if (key !== null) cache!.put(key, report);
    return report;
  } finally {
    if (!context) await ctx.close();
  }
}

async function simulateIn(loaded: LoadedScenario, options: SimulateOptions, ctx: RunContext): Promise<RunReport> {
  const s = applyOverrides(loaded.scenario, options);
  const hw = hardwarePreset(s.cluster.hardware);
  const funnel = funnelOf(loaded.source, s, hw);
  const clusterOptions: ClusterOptions = {
    shards: s.cluster.shards,
    replicas: s.cluster.replicas,
    mode: s.cluster.mode,
    hardware: hw,
    cores: s.cluster.coresPerMachine ?? hw.cpu.cores,
    disks: s.cluster.disksPerMachine ?? hw.disks,
    selection: s.cluster.selection,
    cacheBytes: s.cluster.cacheBytes ?? hw.memory.ramBytes - hw.memory.reservedBytes,
    hops: s.service.kind === 'index',
    deadlineMs: s.router?.deadlineMs,
    hedge: s.router?.hedge,
    tie: s.router?.tie,
    slowMachines: s.faults?.slowMachines,
    stalls: s.faults?.stalls,
    failures: s.faults?.failures,
    outages: s.faults?.outages,
    detectionMs: s.faults?.detectionMs,
    queriesOfDeath: s.faults?.queriesOfDeath,
    canaries: s.router?.canaries,
    probation: s.router?.probation,
    funnel: funnel?.router,
  };

  const traceOptions = { format: s.workload.traceFormat, skipInvalid: options.skipInvalid };
  const tracePath = s.workload.trace ? resolvePath(loaded.baseDir, s.workload.trace) : null;
  if (tracePath !== null) checkTraceFile(loaded.source, tracePath);
  // The trace is read before anything is built, so its mistakes and its pace are known at once.
  const trace = tracePath !== null || s.service.kind === 'index' ? await ctx.trace(tracePath ?? DEFAULT_TRACE, s.workload.queries, s.workload.arrival as ArrivalSpec, traceOptions) : null;
  checkRunSpan(loaded.source, s, options, trace?.load ?? null);
  checkOutages(loaded.source, s, trace?.load ?? null);
  const rng = new Rng(s.seed);

  let service: ServiceModel;
  let preparer: Preparer = blankPreparer;
  let source: AsyncIterable<SourcedQuery>;
  let index: IndexReport | null = null;
  let queryPreparer: QueryPreparer | null = null;
  let updates: ReplayUpdates | undefined;
  {
    if (s.service.kind === 'index') {
      const { corpus, corpusOptions } = corpusOf(s, loaded);
      const searcher = searcherOf(s);
      const shardSpec: ShardSetSpec = { corpus, corpusOptions, analyzer: s.analyzer, shards: s.cluster.shards, storage: { kind: 'memory' }, ...searcher.layout };
      // Changes mutate the shards: such a run gets shards of its own, never shared with other runs.
      const { set: shards, info } = s.updates
        ? await ctx.privateShards(shardSpec, options.threads ?? s.cluster.shardThreads)
        : await ctx.shards(shardSpec, options.threads ?? s.cluster.shardThreads);
      const realDocs = info.reduce((a, i) => a + i.docs, 0);
      const realIndexBytes = info.reduce((a, i) => a + i.postingBytes, 0);
      index = indexReport(s, realDocs, realIndexBytes, hw.memory.ramBytes);
      checkMemoryFit(loaded.source, s, index, hw.memory.ramBytes - hw.memory.reservedBytes, hw.name);
      const analyzer = new Analyzer(s.analyzer);
      const realBudget = searcher.realBudgetPerShard(realDocs, index.modelledDocs);
      service = serviceFor(s, index, realIndexBytes, hw.cpu, () => ctx.webScale(s.analyzer, index!.modelledDocs), ctx.receipts(shards), searcher, funnel);
      const e = s.expansion;
      const expander = e.policy === 'none' ? null : await ctx.expander(shardSpec, options.threads ?? s.cluster.shardThreads, e);
      queryPreparer = new QueryPreparer(shards, analyzer, {
        k: funnel ? funnel.k : s.workload.k,
        rerank: funnel?.rerank,
        mode: s.workload.match,
        rewrite: expander ? (terms) => expander.expandTerms(terms, e.maxTerms).map((t) => ({ term: t.term, weight: t.weight })) : undefined,
        hits: s.updates !== undefined,
        ...(realBudget !== null ? { budget: realBudget, tiered: searcher.layout.tiers !== undefined } : {}),
      }, ctx.receipts(shards));
      preparer = queryPreparer;
      source = trace!.source();
      if (s.updates) {
        const lists = info.reduce((a, i) => a + i.lists, 0);
        const prep = queryPreparer;
        const apply = async (ops: UpdateOp[]) => {
          const r = await shards.update(ops);
          prep.indexVersion++;
          return r;
        };
        updates = await replayUpdates(s, loaded, apply, analyzer, rng, index, updateCostOf(s, index, lists), hw.disk.transferBytesPerMs, () => ctx.documents(corpus, corpusOptions));
      }
    } else {
      service = new SyntheticServiceModel(s.service, rng.fork('service'), s.workload.k);
      source = trace ? trace.source() : blankQueries(s.workload.queries);
    }
    if (trace) options.onTraceLoad?.(trace.load);
    const result = await replay(
      {
        seed: s.seed,
        queries: s.workload.queries,
        warmupQueries: s.workload.warmupQueries,
        arrival: s.workload.arrival as ArrivalSpec,
        reportCache: s.cluster.mode === 'disk',
        onOutcome: options.onOutcome,
        updates,
      },
      source,
      preparer,
      simulatedTarget(clusterOptions, service, s.seed, resultCacheOf(s)),
      options.onProgress,
    );
    return reportOf(s, clusterOptions, index, trace, queryPreparer ? { meanTerms: queryPreparer.meanTerms, receiptCache: { hits: queryPreparer.receiptHits, misses: queryPreparer.receiptMisses } } : null, result);
  }
}

/** A scenario's corpus as the shards read it: its path (resolved beside the scenario) and reading options. */
export function corpusOf(s: Scenario, loaded: LoadedScenario): { corpus: string; corpusOptions: CorpusOptions } {
  if (s.corpus === undefined) throw new SearchsimError('E_INPUT', `${loaded.source}: corpus: required when service.kind is "index" (a corpus file or collection folder)`);
  const c = typeof s.corpus === 'string' ? { path: s.corpus } : s.corpus;
  const corpusOptions: CorpusOptions = { format: c.format, markup: c.markup ?? (/gcide/i.test(c.path) ? ('gcide' as const) : ('none' as const)) };
  if (c.encoding !== undefined) corpusOptions.encoding = c.encoding;
  return { corpus: c.path.startsWith('@') ? c.path : resolvePath(loaded.baseDir, c.path), corpusOptions };
}

/** The run report of a replay: what was run (the scenario as overridden, its cluster, index and trace) and what it measured. */
export function reportOf(
  s: Scenario,
  c: Pick<ClusterOptions, 'hardware' | 'cores' | 'disks'>,
  index: IndexReport | null,
  trace: LoadedTrace | null,
  prepared: { meanTerms: number; receiptCache: { hits: number; misses: number } | null } | null,
  result: ReplayResult,
): RunReport {
  return {
    formatVersion: RUN_FORMAT_VERSION,
    scenario: { name: s.name, seed: s.seed, service: s.service.kind },
    machines: s.cluster.shards * s.cluster.replicas,
    cluster: {
      shards: s.cluster.shards,
      replicas: s.cluster.replicas,
      mode: s.cluster.mode,
      hardware: c.hardware.name,
      coresPerMachine: c.cores,
      disksPerMachine: c.disks,
      selection: s.cluster.selection,
      listSizes: s.cluster.listSizes,
      searcher: s.searcher?.matchBudget !== undefined
        ? {
            matchBudget: s.searcher.matchBudget,
            order: searcherOf(s).layout.order?.kind ?? 'corpus',
            firstTierShare: s.searcher.firstTierShare ?? null,
            realBudgetPerShard: index ? searcherOf(s).realBudgetPerShard(index.realDocs, index.modelledDocs) : null,
          }
        : null,
      router: s.router ?? null,
      faults: s.faults ?? null,
    },
    index,
    workload: {
      arrival: s.workload.arrival,
      trace: s.service.kind === 'index' ? (s.workload.trace ?? 'workloads/trec-2005-efficiency/queries.jsonl') : (s.workload.trace ?? null),
      k: resultsOf(s),
      match: s.workload.match,
      skippedLines: trace?.load.skippedLines ?? 0,
      traceLoad: trace?.load ?? null,
    },
    expansion: s.service.kind === 'index' ? { ...s.expansion, meanTerms: prepared?.meanTerms ?? 0 } : null,
    receiptCache: prepared?.receiptCache ?? null,
    ...result,
    funnel: s.funnel ? funnelReport(s.funnel, c.hardware, result) : null,
  };
}

/**
 * The scenario's ranking funnel as the shards and the cluster run it (null without one). It needs the
 * real shards' receipts scaled uniformly: per-term list sizes model each term's web list, not the
 * candidates a shard really ranked.
 */
export function funnelOf(source: string, s: Scenario, hw: ReturnType<typeof hardwarePreset>): FunnelPlan | null {
  if (!s.funnel) return null;
  if (s.service.kind !== 'index') throw scenarioError(source, 'funnel', `needs service.kind "index" (real shards that rank), not "${s.service.kind}"`);
  if (s.cluster.listSizes !== 'uniform') throw scenarioError(source, 'funnel', 'needs cluster.listSizes "uniform" (per-term sizes model each term\'s web list, not the candidates the shards ranked)');
  return funnelPlan(s.funnel, hw, s.cluster.shards);
}

/** Results a query returns: the funnel's last stage's, else workload.k. */
export function resultsOf(s: Scenario): number {
  return s.funnel ? s.funnel[s.funnel.length - 1].keep : s.workload.k;
}

/** The scenario's result cache, as the serving seam takes it. */
function resultCacheOf(s: Scenario): { entries: number; maxAgeMs?: number; k: number } | undefined {
  const c = s.router?.resultCache;
  if (c === undefined) return undefined;
  return { entries: c.entries, k: resultsOf(s), ...(c.maxAgeS !== undefined ? { maxAgeMs: c.maxAgeS * 1000 } : {}) };
}

/** How leaf work is sized: real receipts scaled uniformly, or each term's web-size list (per-term). */
function serviceFor(
  s: Scenario,
  index: IndexReport,
  realIndexBytes: number,
  cpu: LeafCpuCost,
  webScale: () => WebTermScale,
  receipts: ReceiptCache,
  searcher: Searcher,
  funnel: FunnelPlan | null,
): ServiceModel {
  if (s.cluster.listSizes === 'uniform') {
    return new IndexServiceModel(
      { postings: index.modelledDocs / Math.max(1, index.realDocs), bytes: index.modelledIndexBytes / Math.max(1, realIndexBytes) },
      cpu,
      searcher.budgetPerShard !== null,
      funnel?.leaf ?? null,
    );
  }
  const scale = webScale();
  return new PerTermServiceModel((key) => scale.list(receipts.termNames[key]), s.cluster.shards, index.modelledDocs / s.cluster.shards, cpu, {
    budgetPerShard: searcher.budgetPerShard,
    firstTierShare: searcher.firstTierShare,
    mode: s.workload.match,
    k: s.workload.k,
  });
}

export function indexReport(s: Scenario, realDocs: number, realIndexBytes: number, ramBytes: number): IndexReport {
  const modelledDocs = s.cluster.modelledDocs ?? realDocs;
  // indexBytesPerDoc sizes the modelled index whether or not the document count is modelled too; with
  // neither, the modelled index is the real one.
  const bytesPerDoc = s.cluster.indexBytesPerDoc ?? (s.cluster.modelledDocs !== undefined ? BRIN_PAGE_INDEX_BYTES_PER_DOC : undefined);
  const modelledIndexBytes = bytesPerDoc !== undefined ? modelledDocs * bytesPerDoc : realIndexBytes;
  const machines = s.cluster.shards * s.cluster.replicas;
  return {
    realDocs,
    realIndexBytes,
    modelledDocs,
    modelledIndexBytes,
    modelledBytesPerDoc: modelledIndexBytes / Math.max(1, modelledDocs),
    shardIndexBytes: modelledIndexBytes / s.cluster.shards,
    ramBytesPerMachine: ramBytes,
    aggregateRamBytes: ramBytes * machines,
  };
}

/** Memory mode holds each shard's whole index in RAM: a layout that cannot is refused, saying by how much. */
function checkMemoryFit(source: string, s: Scenario, index: IndexReport, usableBytes: number, hardware: string): void {
  const why = memoryShortfall(s, index.shardIndexBytes, index.modelledIndexBytes, usableBytes, hardware);
  if (why !== null) throw scenarioError(source, 'cluster.shards', why, s.cluster.shards);
}

function memoryShortfall(s: Scenario, shardIndexBytes: number, modelledIndexBytes: number, usableBytes: number, hardware: string): string | null {
  if (s.cluster.mode !== 'memory' || shardIndexBytes <= usableBytes) return null;
  const need = Math.ceil(modelledIndexBytes / usableBytes);
  return `too few for memory mode: a shard's index of ${formatBytes(shardIndexBytes)} does not fit the ${formatBytes(usableBytes)} a ${hardware} machine has for it, by ${formatBytes(shardIndexBytes - usableBytes)}; use at least ${need} shards`;
}

/**
 * Why a memory-mode layout cannot hold its shards (null: it can, or it is not in memory mode, or its
 * index size is known only once the real shards are built), without building anything.
 */
export function memoryFitProblem(s: Scenario): string | null {
  if (s.cluster.mode !== 'memory' || s.service.kind !== 'index' || s.cluster.modelledDocs === undefined) return null;
  const hw = hardwarePreset(s.cluster.hardware);
  const modelledIndexBytes = s.cluster.modelledDocs * (s.cluster.indexBytesPerDoc ?? BRIN_PAGE_INDEX_BYTES_PER_DOC);
  return memoryShortfall(s, modelledIndexBytes / s.cluster.shards, modelledIndexBytes, hw.memory.ramBytes - hw.memory.reservedBytes, hw.name);
}

/**
 * Simulated time is a double of milliseconds: below 2^40 ms (34.8 years) it keeps a quarter of a
 * microsecond, finer than the histograms' microsecond, so latencies stay exact. Past it the clock's
 * last digits go (a 1e10 s trace once gave p50 latency under p50 service time), so such a run is refused.
 */
export const MAX_RUN_MS = 2 ** 40;

/** Refuses a run whose arrivals would span more simulated time than MAX_RUN_MS, saying how to shorten it. */
function checkRunSpan(source: string, s: Scenario, o: SimulateOptions, load: TraceLoad | null): void {
  const a = s.workload.arrival;
  const n = s.workload.queries;
  let spanMs: number;
  let what: string;
  let hint: string;
  let field: string;
  if (a.kind === 'trace') {
    if (load === null || load.runSpanS === null || load.firstS === null || load.lastS === null) return;
    const speedup = a.speedup ?? 1;
    spanMs = (load.runSpanS * 1000) / speedup;
    what = `${load.passes === 1 ? 'a trace' : `${load.passes} passes over a trace`} spanning ${formatSpan(load.lastS - load.firstS)}${speedup === 1 ? '' : `, sped up ${speedup} times`}`;
    hint = `set workload.arrival.speedup to at least ${Math.ceil((spanMs * speedup) / MAX_RUN_MS)}${load.passes > 1 ? ', or run fewer queries than the trace holds times for' : ''}`;
    field = 'workload.arrival';
  } else if (a.kind === 'closed') {
    spanMs = (n / a.clients) * a.thinkMs;
    what = `${n} queries from ${a.clients} clients thinking ${a.thinkMs} ms`;
    hint = 'use more clients, a shorter think time or fewer queries';
    field = 'workload.arrival.thinkMs';
  } else {
    spanMs = (n / a.qps) * 1000;
    what = `${n} queries at ${a.qps} queries/s`;
    hint = `raise the rate to at least ${((n * 1000) / MAX_RUN_MS).toPrecision(2)} queries/s or run fewer queries`;
    field = o.qps !== undefined ? '--qps' : 'workload.arrival.qps';
  }
  if (spanMs <= MAX_RUN_MS) return;
  const message = `the run would span ${formatSpan(spanMs / 1000)} of simulated time (${what}), past the ${formatSpan(MAX_RUN_MS / 1000)} over which its clock keeps microsecond precision; ${hint}`;
  if (field === '--qps') {
    const least = ((n * 1000) / MAX_RUN_MS).toPrecision(2);
    throw errors.option('--qps', `at least ${least} queries/s for ${n} queries (else the run spans ${formatSpan(spanMs / 1000)} of simulated time; its clock keeps microsecond precision over ${formatSpan(MAX_RUN_MS / 1000)})`, o.qps);
  }
  throw scenarioError(source, field, message);
}

/** The simulated time the arrivals span, roughly (null: not known before the run). */
function arrivalSpanMs(s: Scenario, load: TraceLoad | null): number | null {
  const a = s.workload.arrival;
  if (a.kind === 'trace') return load?.runSpanS != null ? (load.runSpanS * 1000) / (a.speedup ?? 1) : null;
  if (a.kind === 'closed') return null;
  return (s.workload.queries / a.qps) * 1000;
}

/** An outage must start within the run and name a machine that exists. */
function checkOutages(source: string, s: Scenario, load: TraceLoad | null): void {
  const machines = s.cluster.shards * s.cluster.replicas;
  const spanMs = arrivalSpanMs(s, load);
  (s.faults?.outages ?? []).forEach((x, i) => {
    if (x.machine >= machines) throw scenarioError(source, `faults.outages[${i}].machine`, `must be a machine from 0 to ${machines - 1} (${s.cluster.shards} shards x ${s.cluster.replicas} replicas)`, x.machine);
    if (spanMs !== null && x.atMs >= spanMs) throw scenarioError(source, `faults.outages[${i}].atMs`, `must fall within the run: its arrivals span about ${Math.round(spanMs)} ms`, x.atMs);
  });
}

/** A named trace must be a file (corpus/requireFile's check), said at once with the scenario and its field. */
function checkTraceFile(source: string, path: string): void {
  try {
    requireFile(path, 'trace file');
  } catch (e) {
    if (e instanceof SearchsimError && e.isUserError) throw scenarioError(source, 'workload.trace', e.message);
    throw e;
  }
}

/**
 * What applying a change costs the serving machines: the layout and the index's sizes.
 */
export function updateCostOf(s: Scenario, index: IndexReport, lists: number): UpdateCostInputs {
  return {
    shards: s.cluster.shards,
    replicas: s.cluster.replicas,
    mode: s.cluster.mode,
    shardIndexBytes: index.shardIndexBytes,
    meanListBytes: index.modelledIndexBytes / Math.max(1, lists),
    weight: 1,
  };
}

/**
 * The change stream of a scenario and how the replay plays it: read from a trace or generated over the
 * run (with history before it, so an incremental pipeline is in flight when the first query arrives), the
 * policy that times it, and the real shards it is applied to.
 */
export async function replayUpdates(
  s: Scenario,
  loaded: LoadedScenario,
  /** Applies changes to the real shards (and tells whoever prepares queries that the index changed). */
  apply: (ops: UpdateOp[]) => Promise<UpdateResult>,
  analyzer: Analyzer,
  rng: Rng,
  index: IndexReport,
  cost: UpdateCostInputs,
  transferBytesPerMs: number,
  /** The corpus's documents (what a generated stream edits). */
  documents: () => Promise<Doc[]>,
): Promise<ReplayUpdates> {
  const u = s.updates!;
  let events: UpdateEvent[];
  let realRate = 1;
  let docRatePerMs: Map<string, number> | undefined;
  if (u.trace) {
    events = await readUpdateTrace(resolvePath(loaded.baseDir, u.trace));
    const spanS = events.length > 1 ? events[events.length - 1].tS - events[0].tS : 1;
    realRate = events.length / Math.max(1e-9, spanS);
  } else if (u.generate) {
    const a = s.workload.arrival;
    const durationS = 'qps' in a ? s.workload.queries / a.qps : 60;
    const historyS = u.policy.kind === 'incremental' ? u.policy.delayS + 10 : 0;
    const docs = await documents();
    const rates = new Map<string, number>();
    events = generateUpdates(u.generate, docs, durationS + historyS, rng.fork('updates'), rates).map((e) => ({ ...e, tS: e.tS - historyS }));
    realRate = u.generate.ratePerS;
    // A real document stands for modelled / real documents: its modelled rate is its share of the
    // modelled change rate spread over them.
    const perModelledDoc = (u.modelledRatePerS ?? realRate) / realRate / (index.modelledDocs / Math.max(1, docs.length)) / 1000;
    for (const [id, r] of rates) rates.set(id, r * perModelledDoc);
    docRatePerMs = rates;
  } else {
    throw errors.option('updates', 'a trace or a generate section', u);
  }
  const weighted: UpdateCostInputs = { ...cost, weight: u.modelledRatePerS !== undefined ? u.modelledRatePerS / realRate : 1 };
  return {
    events,
    policy: updatePolicy(u.policy, weighted, transferBytesPerMs),
    shardOf: (id) => shardOf(id, s.cluster.shards),
    applyEveryMs: u.applyEveryS * 1000,
    docRatePerMs,
    termsOf: (e) => (e.text ? new Set(analyzer.terms(e.text)).size : 0),
    apply,
  };
}
