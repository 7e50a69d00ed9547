import { Command } from 'commander';
import { RATE_STUDY_HEADER, STUDY_HEADER, comparePage, diffRows, pathRows, rateStudyRows, studyRows } from '../../report/index.ts';
import { DEFAULT_SLO, PRESET_NAMES, RunContext, WORK_BUDGET, checkWorkBudget, compareScenarios, requireIndexService, scenarioWork, loadScenarioArg, parseRates, parseSlo, parseTermCounts } from '../../scenarios/index.ts';
import { finiteNumber, nonNegativeInt, positiveInt } from '../options.ts';
import { progressBar } from '../progress.ts';
import { HTML_FLAGS, HTML_HELP, JSON_FLAGS, htmlTarget, jsonHelp, jsonTarget, table, traceReporter, warnIgnored, writeAtomic, writeJson } from '../output.ts';
import { cacheNote, runCacheFor } from '../cache.ts';

interface CompareOptions {
  seed?: number;
  queries?: number;
  qps?: number;
  json?: string | boolean;
  html?: string;
  threads?: number;
  expansionTerms?: string;
  updateRates?: string;
  slo?: string;
  cache?: boolean;
  force?: boolean;
}

export function compareCommand(): Command {
  return new Command('compare')
    .description('Run two scenarios on the same seeded workload and show every metric side by side, with the change in percent.')
    .argument('<baseline>', `scenario file or preset (${PRESET_NAMES.join(', ')})`)
    .argument('<contender>', 'scenario file or preset')
    .option(JSON_FLAGS, jsonHelp('{"baseline", "contender", "diff"}'))
    .option(HTML_FLAGS, HTML_HELP)
    .option('--slo <objective>', `latency objective for the expansion study (default: the baseline's, else ${DEFAULT_SLO})`)
    .option('--update-rates <list>', 'also run the update-rate study at these modelled changes per second, e.g. 100,1000,3125,10000')
    .option('--expansion-terms <list>', 'run the expansion study on both sides at these term counts, e.g. 1,2,5,10,20,50')
    .option('--seed <n>', 'override the seed of both sides', nonNegativeInt)
    .option('--queries <n>', 'override the number of queries of both sides', positiveInt)
    .option('--qps <x>', 'override the arrival rate of both sides', finiteNumber)
    .option('--threads <n>', 'shard worker threads (0 = in this thread)', nonNegativeInt)
    .option('--no-cache', 'run again even if the same run is in the cache of finished runs (see README, "The run cache")')
    .option('--force', `run even past the work budget (${WORK_BUDGET.toExponential(0)} leaf requests, see README)`)
    .addHelpText('after', '\nExamples:\n  searchsim compare google-2000-disk google-2001-memory --expansion-terms 1,2,5,10,20,50\n  searchsim compare a.json b.json --json diff.json --html diff.html')
    .action(async (a: string, b: string, o: CompareOptions) => {
      const json = jsonTarget(o.json);
      const html = htmlTarget(o.html);
      const baseline = loadScenarioArg(a);
      const contender = loadScenarioArg(b);
      for (const side of [baseline, contender]) {
        if (o.expansionTerms !== undefined) requireIndexService(side, '--expansion-terms', o.expansionTerms);
        if (o.updateRates !== undefined && side.scenario.updates) requireIndexService(side, '--update-rates', o.updateRates);
        warnIgnored(side);
      }
      const slo = parseSlo(o.slo ?? baseline.scenario.slo ?? DEFAULT_SLO);
      const termCounts = o.expansionTerms !== undefined ? parseTermCounts(o.expansionTerms) : undefined;
      const updateRates = o.updateRates !== undefined ? parseRates(o.updateRates) : undefined;
      // The contender runs the baseline's workload.
      const contenderWork = { ...contender, scenario: { ...contender.scenario, workload: baseline.scenario.workload } };
      const extra = (l: typeof baseline) => (termCounts?.length ?? 0) + (updateRates && l.scenario.updates ? updateRates.length : 0);
      checkWorkBudget(scenarioWork([{ loaded: baseline, extraRuns: extra(baseline) }, { loaded: contenderWork, extraRuns: extra(contender) }], o), o.force, 'lower --queries or the shards');
      const bar = progressBar('comparing');
      const ctx = new RunContext();
      const cache = runCacheFor(o);
      const t0 = performance.now();
      let c;
      try {
        const onProgress = (d: number, t: number) => bar.update(d, t);
        c = await compareScenarios(baseline, contender, { ...o, cache, slo, termCounts, updateRates, onTraceLoad: traceReporter(), onProgress }, ctx);
      } finally {
        bar.end();
        await ctx.close();
      }
      if (html) writeAtomic(html, comparePage(c));
      if (json === '-') {
        writeJson('-', c);
        return;
      }
      console.log(`baseline:  ${c.baseline.scenario.name} (${c.baseline.machines} machines, ${c.baseline.cluster.mode})`);
      console.log(`contender: ${c.contender.scenario.name} (${c.contender.machines} machines, ${c.contender.cluster.mode})`);
      console.log(`workload:  ${c.baseline.queries.measured} measured queries after ${c.baseline.queries.warmup} warm-up, seed ${c.baseline.scenario.seed}\n`);
      console.log(table(['metric', 'baseline', 'contender', 'change'], diffRows(c.diff)));
      console.log('\nwhere a measured query\'s time goes (mean along its critical path, and share of its latency)');
      console.log(table(['part', 'baseline', 'contender'], pathRows([c.baseline, c.contender])));
      for (const [name, r] of [
        ['baseline', c.baseline],
        ['contender', c.contender],
      ] as const) {
        if (r.expansionStudy) {
          console.log(`\nexpansion study, ${name} ${r.scenario.name} (SLO ${r.expansionStudy.slo}): affords ${r.expansionStudy.affordableTerms} terms`);
          console.log(table(STUDY_HEADER, studyRows(r.expansionStudy)));
        }
        if (r.updateRateStudy) {
          console.log(`\nupdate-rate study, ${name} ${r.scenario.name} (SLO ${r.updateRateStudy.slo}): sustains ${r.updateRateStudy.sustainedRatePerS} changes/s`);
          console.log(table(RATE_STUDY_HEADER, rateStudyRows(r.updateRateStudy)));
        }
      }
      console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s of wall time${cacheNote(cache)})`);
      if (json) writeJson(json, c);
    });
}
