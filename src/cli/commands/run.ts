import { Command } from 'commander';
import { runSummaryRows } from '../../report/index.ts';
import { loadScenarioFile, simulate } from '../../scenarios/index.ts';
import { finiteNumber, nonNegativeInt, positiveInt } from '../options.ts';
import { table, writeJson } from '../output.ts';
import { progressBar } from '../progress.ts';

interface RunOptions {
  seed?: number;
  queries?: number;
  qps?: number;
  json?: string;
  skipInvalid?: boolean;
  threads?: number;
}

export function runCommand(): Command {
  return new Command('run')
    .description('Replay a scenario\'s workload on its modelled cluster and report latency, throughput, utilisation and work per query.')
    .argument('<scenario>', 'scenario JSON file (see the README\'s scenario reference and docs/scenario.schema.json)')
    .option('--seed <n>', 'override the scenario\'s seed', nonNegativeInt)
    .option('--queries <n>', 'override workload.queries (warm-up included)', positiveInt)
    .option('--qps <x>', 'override the arrival rate of a fixed, poisson or diurnal workload', finiteNumber)
    .option('--json <file>', 'write the run as JSON to a file (- for stdout)')
    .option('--skip-invalid', 'skip unparseable trace lines, counting them, instead of stopping at the first')
    .option('--threads <n>', 'shard worker threads (0 = in this thread)', nonNegativeInt)
    .addHelpText(
      'after',
      '\nExamples:\n  searchsim run scenarios/mm1.json\n  searchsim run scenarios/cranfield-disk.json --queries 20000 --qps 50 --json run.json',
    )
    .action(async (file: string, o: RunOptions) => {
      const loaded = loadScenarioFile(file);
      const bar = progressBar('simulating');
      const t0 = performance.now();
      const report = await simulate(loaded, { ...o, onProgress: (d, t) => bar.update(d, t) });
      bar.end();
      const wallS = (performance.now() - t0) / 1000;
      if (o.json === '-') {
        writeJson('-', report);
        return;
      }
      console.log(table(['metric', 'value'], runSummaryRows(report)));
      console.log(`(${report.queries.total} queries simulated in ${wallS.toFixed(1)} s of wall time, ${(report.queries.total / wallS).toFixed(0)} queries/s)`);
      if (o.json) writeJson(o.json, report);
    });
}
