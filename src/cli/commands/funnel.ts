import { Command } from 'commander';
import { errors } from '../../core/index.ts';
import { COMPUTE_DEVICE_NAMES, hardwarePreset } from '../../hardware/index.ts';
import type { QualityReport } from '../../quality/index.ts';
import { funnelRows, type FunnelReport } from '../../report/index.ts';
import {
  PRESET_NAMES,
  RANKING_MODEL_NAMES,
  RunContext,
  WORK_BUDGET,
  checkWorkBudget,
  funnelPlan,
  loadScenarioArg,
  parseStages,
  requireIndexService,
  scenarioWork,
  simulate,
  stageLabel,
  withStages,
  type FunnelStage,
  type LoadedScenario,
} from '../../scenarios/index.ts';
import { cacheNote, runCacheFor } from '../cache.ts';
import { funnelQuality } from '../judged.ts';
import { finiteNumber, nonNegativeInt, oneOf, positiveInt } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, traceReporter, warnIgnored, writeJson } from '../output.ts';
import { progressBar } from '../progress.ts';

interface FunnelOptions {
  stages?: FunnelStage[][];
  model?: string;
  device?: string;
  judged?: string;
  seed?: number;
  queries?: number;
  qps?: number;
  json?: string | boolean;
  threads?: number;
  cache?: boolean;
  force?: boolean;
}

/** One funnel of the study: what it costs on the scenario's cluster, and what it buys on the judged collection. */
interface FunnelPoint {
  stages: string;
  latencyMs: { mean: number; p50: number; p99: number };
  throughputQps: number;
  /** Core and device time a query, every stage summed (leaves, merge, root models), in seconds. */
  cpuSecondsPerQuery: number;
  energyJPerQuery: number;
  funnel: FunnelReport;
  quality: { firstStage: QualityReport; funnel: QualityReport } | null;
}

export function funnelCommand(): Command {
  return new Command('funnel')
    .description(
      "Run a scenario with a ranking funnel (BM25 on the leaves, RM3 re-ranking on the leaves, ranking models at the root) and report each stage's candidates, time, share of latency, CPU and energy; several --stages make a study, and --judged adds each funnel's quality.",
    )
    .argument('<scenario>', `scenario file (service index) or preset: ${PRESET_NAMES.join(', ')}`)
    .option('--stages <list>', 'a funnel, e.g. "bm25:30000,rm3:1000,model:117" (each count: candidates the stage keeps); repeat for a study (default: the scenario\'s funnel section)', collectStages, [])
    .option('--model <name>', `the ranking model of every model stage (${RANKING_MODEL_NAMES.join(', ')}; default: the scenario's model stage's, else bert-large)`, oneOf(RANKING_MODEL_NAMES))
    .option('--device <name>', `where every model stage runs: era (the hardware preset's CPU) or ${COMPUTE_DEVICE_NAMES.join(', ')} (default: the scenario's model stage's, else era)`, oneOf(['era', ...COMPUTE_DEVICE_NAMES]))
    .option('--judged <dir>', "also measure each funnel's MAP and nDCG@10 on a judged collection (as workloads/cranfield) on the scenario's shard count")
    .option('--seed <n>', "override the scenario's seed", nonNegativeInt)
    .option('--queries <n>', 'override workload.queries (warm-up included)', positiveInt)
    .option('--qps <x>', 'override the arrival rate', finiteNumber)
    .option(JSON_FLAGS, jsonHelp('{"scenario", "points": [...]}'))
    .option('--threads <n>', 'shard worker threads (0 = in this thread)', nonNegativeInt)
    .option('--no-cache', 'run again even if the same run is in the cache of finished runs (see README, "The run cache")')
    .option('--force', `run even past the work budget (${WORK_BUDGET.toExponential(0)} leaf requests, see README)`)
    .addHelpText(
      'after',
      '\nExamples:\n  searchsim funnel scenarios/funnel-cranfield.json\n  searchsim funnel scenarios/funnel-cranfield.json --stages bm25:1000,rm3:100,model:10 --stages bm25:1000,rm3:1000,model:10 --judged workloads/cranfield\n  searchsim funnel scenarios/funnel-modern-memory.json --stages bm25:30000/split,rm3:117,model:10 --model llm-7b',
    )
    .action(async (arg: string, o: FunnelOptions) => {
      const json = jsonTarget(o.json);
      const loaded = loadScenarioArg(arg);
      requireIndexService(loaded, 'searchsim funnel', arg);
      warnIgnored(loaded);
      const funnels = o.stages && o.stages.length > 0 ? o.stages : loaded.scenario.funnel ? [loaded.scenario.funnel] : [];
      if (funnels.length === 0) throw errors.option('--stages', `a funnel such as "bm25:1000,rm3:100,model:10" (${arg} has no funnel section)`, 'none');
      const runs = funnels.map((stages) => withFunnel(loaded, stages, o));
      checkWorkBudget(scenarioWork(runs.map((l) => ({ loaded: l, extraRuns: 0 })), o), o.force, 'lower --queries or give fewer --stages');
      const bar = progressBar('funnel');
      const ctx = new RunContext();
      const cache = runCacheFor(o);
      const points: FunnelPoint[] = [];
      try {
        for (const [i, run] of runs.entries()) {
          const report = await simulate(run, { ...o, cache, onProgress: (d, t) => bar.update(i * t + d, runs.length * t), onTraceLoad: i === 0 ? traceReporter() : undefined }, ctx);
          const s = run.scenario;
          const quality = o.judged ? await funnelQuality(o.judged, funnelPlan(s.funnel!, hardwarePreset(s.cluster.hardware), s.cluster.shards), s.cluster.shards, s.analyzer, o.threads) : null;
          const f = report.funnel!;
          points.push({
            stages: s.funnel!.map(stageLabel).join(','),
            latencyMs: { mean: report.latencyMs.mean, p50: report.latencyMs.p50, p99: report.latencyMs.p99 },
            throughputQps: report.throughputQps,
            cpuSecondsPerQuery: f.stages.reduce((a, r) => a + r.cpuMsPerQuery, 0) / 1000,
            energyJPerQuery: report.perQuery.energyJ,
            funnel: f,
            quality,
          });
        }
      } finally {
        bar.end();
        await ctx.close();
      }
      const out = { scenario: loaded.scenario.name, points };
      if (json === '-') {
        writeJson('-', out);
        return;
      }
      for (const p of points) {
        console.log(`funnel ${p.stages}: latency mean ${p.latencyMs.mean.toFixed(1)} ms, p99 ${p.latencyMs.p99.toFixed(1)} ms at ${p.throughputQps.toFixed(1)} queries/s`);
        console.log(table(funnelRows(p.funnel)[0], funnelRows(p.funnel).slice(1)));
      }
      if (points.length > 1 || o.judged) {
        const q = (p: FunnelPoint) => (p.quality ? [p.quality.funnel.map.toFixed(4), p.quality.funnel.ndcg10.toFixed(4), `${p.quality.firstStage.map.toFixed(4)}`] : []);
        console.log(`\nstudy${o.judged ? ` (quality on ${o.judged}, ${runs[0].scenario.cluster.shards} shards)` : ''}`);
        console.log(table(['funnel', 'p50 ms', 'p99 ms', 'CPU s a query', 'J a query', ...(o.judged ? ['MAP', 'nDCG@10', 'MAP first stage alone'] : [])], points.map((p) => [p.stages, p.latencyMs.p50.toFixed(1), p.latencyMs.p99.toFixed(1), p.cpuSecondsPerQuery.toPrecision(3), p.energyJPerQuery.toPrecision(3), ...q(p)])));
      }
      console.log(`(${points.length} run${points.length === 1 ? '' : 's'}${cacheNote(cache)})`);
      if (json) writeJson(json, out);
    });
}

/** Repeated --stages: each a funnel. */
function collectStages(value: string, previous: FunnelStage[][]): FunnelStage[][] {
  return [...previous, parseStages(value)];
}

/** The scenario with this funnel, its model stages as `withStages` says (--model and --device first). */
function withFunnel(loaded: LoadedScenario, stages: FunnelStage[], o: FunnelOptions): LoadedScenario {
  return { ...loaded, scenario: withStages(loaded.scenario, stages, o) };
}
