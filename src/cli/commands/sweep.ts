import { Command, InvalidArgumentError } from 'commander';
import { formatMetric, layoutText, planPage, sweepPage, sweepPointHeader, sweepPointRows } from '../../report/index.ts';
import { DEFAULT_SLO, PRESET_NAMES, applyOverrides, loadScenarioArg, parseSlo, parseTermCounts, type LoadedScenario } from '../../scenarios/index.ts';
import { DEFAULT_SEARCH, MAX_POINTS, PoolRunner, QueueRunner, parseQueueAddress, parseSet, plan, sweep, type PointRunner, type SweepAxes } from '../../sweep/index.ts';
import { errors } from '../../core/index.ts';
import { openShare, positiveInt } from '../options.ts';
import { HTML_FLAGS, HTML_HELP, JSON_FLAGS, htmlTarget, jsonHelp, jsonTarget, table, warnIgnored, writeAtomic, writeJson } from '../output.ts';
import { progressBar, queueProgress } from '../progress.ts';

interface GridOptions {
  shards?: number[];
  replicas?: number[];
  mode?: ('disk' | 'memory')[];
  expansionTerms?: string;
  set?: { path: string; values: (string | number | boolean)[] }[];
  slo?: string;
  seeds?: number;
  workers?: number;
  queue?: string;
  name?: string;
  queries?: number;
  json?: string | boolean;
  html?: string;
}

/**
 * Runs `f` with the options' runner and its progress, closing both whatever happens: a pool of worker
 * threads here, or a BullMQ queue in Redis (`--queue`) whose workers run anywhere, with every point
 * in flight at once (the workers bound the runs).
 */
async function withRunner<T>(o: GridOptions, label: string, f: (runner: PointRunner, concurrency: number, onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  if (o.queue === undefined && o.name !== undefined) throw errors.option('--name', 'used with --queue', o.name);
  if (o.queue !== undefined && o.workers !== undefined) throw errors.option('--workers', 'left out with --queue (start workers with searchsim worker --concurrency)', o.workers);
  if (o.queue !== undefined) {
    const runner = await QueueRunner.open(parseQueueAddress(o.queue, o.name));
    const bar = queueProgress(`${label} on queue ${runner.address.name} at ${runner.address.shown}`, () => runner.counts());
    return finish(f(runner, MAX_POINTS, bar.update), runner, bar);
  }
  const runner = new PoolRunner(o.workers);
  const bar = progressBar(label, undefined, undefined, 'points');
  return finish(f(runner, runner.workers, (d, t) => bar.update(d, t)), runner, bar);
}

async function finish<T>(work: Promise<T>, runner: PointRunner, bar: { end(): void }): Promise<T> {
  try {
    return await work;
  } finally {
    bar.end();
    await runner.close();
  }
}

/** Commander parsers for comma-separated lists. */
function intList(name: string) {
  return (v: string): number[] => {
    const xs = v.split(',').map((x) => x.trim());
    if (xs.some((x) => !/^\d+$/.test(x) || Number(x) < 1)) throw new InvalidArgumentError(`expected positive integers separated by commas, like ${name}.`);
    return xs.map(Number);
  };
}
function numList(v: string): number[] {
  const xs = v.split(',').map((x) => Number(x.trim()));
  if (xs.some((x) => !(x > 0 && Number.isFinite(x)))) throw new InvalidArgumentError('expected positive numbers separated by commas, like 100,200,400.');
  return xs;
}
function modeList(v: string): ('disk' | 'memory')[] {
  const xs = v.split(',').map((x) => x.trim());
  if (xs.some((x) => x !== 'disk' && x !== 'memory')) throw new InvalidArgumentError('expected disk, memory or disk,memory.');
  return xs as ('disk' | 'memory')[];
}
function collectSet(v: string, prev: GridOptions['set'] = []): NonNullable<GridOptions['set']> {
  return [...prev, parseSet(v)];
}

/** The options sweep and plan share: the layouts, the SLO and how the runs are judged and spread. */
function gridOptions(c: Command): Command {
  return c
    .option('--shards <list>', 'shard counts, e.g. 30,60,120', intList('30,60,120'))
    .option('--replicas <list>', 'replica counts, e.g. 1,2,5,10,20', intList('1,2,5,10,20'))
    .option('--mode <list>', 'disk, memory or disk,memory', modeList)
    .option('--expansion-terms <list>', 'query term caps, e.g. 1,3,10,50 (expansion both when the scenario has none)')
    .option('--set <path=values>', 'any scenario field over values, e.g. cluster.hardware=2001,modern (repeatable)', collectSet)
    .option('--slo <objective>', `latency objective (default: the scenario's, else ${DEFAULT_SLO})`)
    .option('--seeds <n>', 'seeded runs a point, for the confidence interval of its SLO percentile (default 3; 5 with --find-max-qps)', positiveInt)
    .option('--workers <n>', 'worker threads running points (default: the cores)', positiveInt)
    .option('--queue <url>', 'run the points as jobs on a BullMQ queue in Redis, redis://HOST:PORT[/DB], taken by `searchsim worker` on any machine (docs/DISTRIBUTED.md); rerun to resume')
    .option('--name <name>', 'the queue\'s name, shared with its workers (default searchsim)')
    .option('--queries <n>', 'override workload.queries of every point', positiveInt)
    .option(JSON_FLAGS, jsonHelp('the sweep'))
    .option(HTML_FLAGS, HTML_HELP);
}

function axesFrom(o: GridOptions): SweepAxes {
  return {
    shards: o.shards,
    replicas: o.replicas,
    mode: o.mode,
    terms: o.expansionTerms !== undefined ? parseTermCounts(o.expansionTerms) : undefined,
    set: o.set,
  };
}

function baseFrom(arg: string, o: GridOptions): LoadedScenario {
  const loaded = loadScenarioArg(arg);
  warnIgnored(loaded);
  return o.queries !== undefined ? { ...loaded, scenario: applyOverrides(loaded.scenario, { queries: o.queries }) } : loaded;
}

export function sweepCommand(): Command {
  return gridOptions(
    new Command('sweep')
      .description('Run every layout of a grid (shards x replicas x mode x terms x loads) on the same seeded workload: each one\'s latency, utilisation and bottleneck at each load, or its highest load under the SLO, and the Pareto frontier.')
      .argument('<scenario>', `scenario file or preset (${PRESET_NAMES.join(', ')})`)
      .option('--qps <list>', 'arrival rates to run each layout at, e.g. 100,200,400', numList)
      .option('--find-max-qps', "find each layout's highest Poisson rate whose SLO percentile's 95 % confidence interval lies below the limit")
      .option('--tolerance <share>', `with --find-max-qps: stop bisecting once the bracket is narrower than this share of its upper end (default ${DEFAULT_SEARCH.tolerance})`, openShare)
      .option('--max-probes <n>', `with --find-max-qps: probes a layout at most, bracketing included (default ${DEFAULT_SEARCH.maxProbes})`, positiveInt),
  )
    .addHelpText('after', '\nExamples:\n  searchsim sweep google-2000-disk --shards 30,60,120 --replicas 5,10,20 --qps 100,200\n  searchsim sweep scenarios/mm1.json --set service.meanMs=5,10,20 --find-max-qps --slo "p99<100ms" --html sweep.html')
    .action(async (arg: string, o: GridOptions & { qps?: number[]; findMaxQps?: boolean; tolerance?: number; maxProbes?: number }) => {
      if (o.findMaxQps !== true && o.tolerance !== undefined) throw errors.option('--tolerance', 'used with --find-max-qps', o.tolerance);
      if (o.findMaxQps !== true && o.maxProbes !== undefined) throw errors.option('--max-probes', 'used with --find-max-qps', o.maxProbes);
      const search = { ...(o.tolerance !== undefined && { tolerance: o.tolerance }), ...(o.maxProbes !== undefined && { maxProbes: o.maxProbes }) };
      const json = jsonTarget(o.json);
      const html = htmlTarget(o.html);
      const base = baseFrom(arg, o);
      const slo = parseSlo(o.slo ?? base.scenario.slo ?? DEFAULT_SLO);
      const r = await withRunner(o, 'sweeping', (runner, concurrency, onProgress) =>
        sweep(base, { axes: { ...axesFrom(o), qps: o.qps }, slo, findMaxQps: o.findMaxQps === true, seeds: o.seeds, search, concurrency, onProgress }, runner),
      );
      if (html) writeAtomic(html, sweepPage(r));
      if (json === '-') {
        writeJson('-', r);
        return;
      }
      console.log(`sweep of ${r.scenario}: ${r.points.length} points, SLO ${r.slo}; ${r.confidence.rule}`);
      console.log(table(sweepPointHeader(r), sweepPointRows(r)));
      console.log('(* on the Pareto frontier: no other layout has fewer machines and more load under the SLO, or, at a fixed load, fewer machines and a lower p99)');
      if (json) writeJson(json, r);
    });
}

export function planCommand(): Command {
  return gridOptions(
    new Command('plan')
      .description('The cheapest layout (fewest machines) that holds an SLO at a load, with the runners-up and why they lose.')
      .argument('[scenario]', `scenario file or preset (default google-2000-disk: the 2000-2001 index, searcher and hardware)`, 'google-2000-disk')
      .requiredOption('--qps <x>', 'the load to hold, queries per second', (v) => {
        const n = Number(v);
        if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError('expected a positive number.');
        return n;
      }),
  )
    .addHelpText('after', '\nExamples:\n  searchsim plan --qps 500 --slo "p99<300ms" --mode disk,memory\n  searchsim plan google-2001-memory --qps 200 --expansion-terms 10 --shards 1200,2400 --replicas 1,2')
    .action(async (arg: string, o: GridOptions & { qps: number }) => {
      const json = jsonTarget(o.json);
      const html = htmlTarget(o.html);
      const base = baseFrom(arg, o);
      const slo = parseSlo(o.slo ?? base.scenario.slo ?? DEFAULT_SLO);
      const r = await withRunner(o, 'planning', (runner, concurrency, onProgress) => plan(base, { qps: o.qps, slo, axes: axesFrom(o), seeds: o.seeds, concurrency, onProgress }, runner));
      if (html) writeAtomic(html, planPage(r));
      if (json === '-') {
        writeJson('-', r);
        return;
      }
      if (r.chosen) {
        const c = r.chosen;
        console.log(`cheapest layout holding ${r.slo} at ${r.qps} queries/s: ${layoutText(c)} = ${c.machines} machines (p99 ${formatMetric('latencyMs', c.latencyMs.p99)} ms, bottleneck ${c.bottleneck})`);
      } else console.log(`no layout tried holds ${r.slo} at ${r.qps} queries/s`);
      console.log(table(['layout', 'machines', 'why it loses'], r.alternatives.map((a) => [layoutText(a.point), String(a.point.machines), a.why])));
      if (json) writeJson(json, r);
    });
}
