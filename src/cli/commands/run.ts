import { Command } from 'commander';
import { RATE_STUDY_HEADER, STUDY_HEADER, funnelRows, rateStudyRows, runPage, runSummaryRows, studyRows } from '../../report/index.ts';
import { DEFAULT_SLO, PRESET_NAMES, RunContext, WORK_BUDGET, checkWorkBudget, expansionStudy, requireIndexService, scenarioWork, updateRateStudy, loadScenarioArg, parseSlo, parseRates, parseTermCounts, simulate } from '../../scenarios/index.ts';
import { finiteNumber, nonNegativeInt, positiveInt } from '../options.ts';
import { HTML_FLAGS, HTML_HELP, JSON_FLAGS, htmlTarget, jsonHelp, jsonTarget, table, traceReporter, warnIgnored, writeAtomic, writeJson } from '../output.ts';
import { cacheNote, runCacheFor } from '../cache.ts';
import { progressBar } from '../progress.ts';

interface RunOptions {
  seed?: number;
  queries?: number;
  qps?: number;
  json?: string | boolean;
  html?: string;
  skipInvalid?: boolean;
  threads?: number;
  expansionTerms?: string;
  updateRates?: string;
  slo?: string;
  cache?: boolean;
  force?: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description("Replay a scenario's workload on its modelled cluster and report latency, throughput, utilisation and work per query.")
    .argument('<scenario>', `scenario JSON file, or a preset: ${PRESET_NAMES.join(', ')}`)
    .option('--seed <n>', "override the scenario's seed", nonNegativeInt)
    .option('--queries <n>', 'override workload.queries (warm-up included)', positiveInt)
    .option('--qps <x>', 'override the arrival rate of a fixed, poisson or diurnal workload', finiteNumber)
    .option(JSON_FLAGS, jsonHelp('the run'))
    .option(HTML_FLAGS, HTML_HELP)
    .option('--skip-invalid', 'skip unparseable trace lines, counting them, instead of stopping at the first')
    .option('--threads <n>', 'shard worker threads (0 = in this thread)', nonNegativeInt)
    .option('--no-cache', 'run again even if the same run is in the cache of finished runs (see README, "The run cache")')
    .option('--update-rates <list>', 'also run the update-rate study at these modelled changes per second, e.g. 100,1000,3125,10000')
    .option('--expansion-terms <list>', 'also run the expansion study at these term counts, e.g. 1,2,5,10,20,50')
    .option('--force', `run even past the work budget (${WORK_BUDGET.toExponential(0)} leaf requests, see README)`)
    .option('--slo <objective>', `latency objective of the study, e.g. "p99<500ms" (default: the scenario's, else ${DEFAULT_SLO})`)
    .addHelpText(
      'after',
      '\nExamples:\n  searchsim run scenarios/mm1.json\n  searchsim run google-2001-memory --json run.json --html run.html\n  searchsim run google-2000-disk --expansion-terms 1,2,5,10 --slo "p99<500ms"',
    )
    .action(async (arg: string, o: RunOptions) => {
      const json = jsonTarget(o.json);
      const html = htmlTarget(o.html);
      const loaded = loadScenarioArg(arg);
      const termCounts = o.expansionTerms !== undefined ? parseTermCounts(o.expansionTerms) : undefined;
      if (o.expansionTerms !== undefined) requireIndexService(loaded, '--expansion-terms', o.expansionTerms);
      if (o.updateRates !== undefined) requireIndexService(loaded, '--update-rates', o.updateRates);
      warnIgnored(loaded);
      const extraRuns = (termCounts?.length ?? 0) + (o.updateRates !== undefined ? parseRates(o.updateRates).length : 0);
      checkWorkBudget(scenarioWork([{ loaded, extraRuns }], o), o.force, 'lower --queries or cluster.shards');
      const slo = parseSlo(o.slo ?? loaded.scenario.slo ?? DEFAULT_SLO);
      const bar = progressBar('simulating');
      const t0 = performance.now();
      const ctx = new RunContext();
      const cache = runCacheFor(o);
      const options = { ...o, cache, onProgress: (d: number, t: number) => bar.update(d, t), onTraceLoad: traceReporter() };
      let report;
      try {
        report = await simulate(loaded, options, ctx);
        if (termCounts) report.expansionStudy = await expansionStudy(loaded, termCounts, slo, options, ctx, undefined, report);
        if (o.updateRates !== undefined) report.updateRateStudy = await updateRateStudy(loaded, parseRates(o.updateRates), slo, options, ctx);
      } finally {
        bar.end();
        await ctx.close();
      }
      const wallS = (performance.now() - t0) / 1000;
      if (html) writeAtomic(html, runPage(report));
      if (json === '-') {
        writeJson('-', report);
        return;
      }
      console.log(table(['metric', 'value'], runSummaryRows(report)));
      if (report.funnel) {
        const rows = funnelRows(report.funnel);
        console.log(`\nranking funnel (a measured query on average)`);
        console.log(table(rows[0], rows.slice(1)));
      }
      if (report.expansionStudy) {
        console.log(`\nexpansion study (SLO ${report.expansionStudy.slo}): affords ${report.expansionStudy.affordableTerms} terms`);
        console.log(table(STUDY_HEADER, studyRows(report.expansionStudy)));
      }
      if (report.updateRateStudy) {
        console.log(`\nupdate-rate study (SLO ${report.updateRateStudy.slo}): sustains ${report.updateRateStudy.sustainedRatePerS} changes/s`);
        console.log(table(RATE_STUDY_HEADER, rateStudyRows(report.updateRateStudy)));
      }
      console.log(`(${report.queries.total} queries simulated in ${wallS.toFixed(1)} s of wall time${cacheNote(cache)})`);
      if (json) writeJson(json, report);
    });
}
