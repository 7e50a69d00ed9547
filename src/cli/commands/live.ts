import { Command } from 'commander';
import { liveRows, runSummaryRows } from '../../report/index.ts';
import { LIVE_LIMITS, PRESET_NAMES, live, loadScenarioArg } from '../../scenarios/index.ts';
import { exitOnSignal } from '../cleanup.ts';
import { durationS, finiteNumber, nonNegativeInt, positiveInt } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, traceReporter, warn, warnIgnored, writeJson } from '../output.ts';
import { progressBar } from '../progress.ts';

interface LiveCliOptions {
  seed?: number;
  queries?: number;
  qps?: number;
  duration?: number;
  json?: string | boolean;
  skipInvalid?: boolean;
}

export function liveCommand(): Command {
  return new Command('live')
    .description("Serve a scenario's shards and replicas for real, one worker thread a machine, and replay its workload in wall-clock time: the run `searchsim run` models, measured.")
    .argument('<scenario>', `scenario JSON file, or a preset: ${PRESET_NAMES.join(', ')}`)
    .option('--duration <time>', `replay this long of an open-loop workload (its rate x this many queries), e.g. 30s or 2m; at most ${LIVE_LIMITS.durationS} s`, durationS)
    .option('--seed <n>', "override the scenario's seed", nonNegativeInt)
    .option('--queries <n>', 'override workload.queries (warm-up included)', positiveInt)
    .option('--qps <x>', 'override the arrival rate of a fixed, poisson or diurnal workload', finiteNumber)
    .option(JSON_FLAGS, jsonHelp('the run'))
    .option('--skip-invalid', 'skip unparseable trace lines, counting them, instead of stopping at the first')
    .addHelpText(
      'after',
      `\nLimits: ${LIVE_LIMITS.machines} machines, ${LIVE_LIMITS.documents.toLocaleString('en-US')} documents, ${LIVE_LIMITS.durationS} s of replay. Ctrl-C stops a run and writes nothing.\n\nExamples:\n  searchsim live scenarios/live-cranfield-memory.json --duration 30s\n  searchsim live scenarios/mm1.json --queries 2000 --json live.json`,
    )
    .action(async (arg: string, o: LiveCliOptions) => {
      const json = jsonTarget(o.json);
      const loaded = loadScenarioArg(arg);
      warnIgnored(loaded);
      exitOnSignal();
      // Started at the first answer, so its estimate of the time left counts the replay, not the machines' start.
      const progress: { bar: ReturnType<typeof progressBar> | null } = { bar: null };
      let report;
      try {
        report = await live(loaded, {
          seed: o.seed,
          queries: o.queries,
          qps: o.qps,
          durationS: o.duration,
          skipInvalid: o.skipInvalid,
          onProgress: (d, t) => (progress.bar ??= progressBar('live')).update(d, t),
          onTraceLoad: traceReporter(),
          onNote: (n) => warn(n),
        });
      } finally {
        progress.bar?.end();
      }
      if (json === '-') {
        writeJson('-', report);
        return;
      }
      console.log(table(['metric', 'value'], [...runSummaryRows(report), ...liveRows(report.live).filter(([k]) => k !== 'note')]));
      if (json) writeJson(json, report);
    });
}
