import { join } from 'node:path';
import { Command } from 'commander';
import { HARDWARE_PRESET_NAMES, hardwarePreset } from '../../hardware/index.ts';
import { calibrateHost } from '../../live/index.ts';
import { DEFAULT_TRACE, PACKAGE_ROOT, calibrationQueries, hardwareFileOf } from '../../scenarios/index.ts';
import { exitOnSignal } from '../cleanup.ts';
import { oneOf, positiveInt } from '../options.ts';
import { JSON_FLAGS, checkWritable, jsonHelp, jsonTarget, table, writeAtomic, writeJson } from '../output.ts';

interface CalibrateCliOptions {
  trace?: string;
  queries: number;
  base: string;
  repetitions: number;
  out?: string;
  json?: string | boolean;
}

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .description('Measure this host as a hardware profile (CPU per posting, term and request; merge per hit; a message to a worker thread) that a scenario can name, so `run` predicts what `live` measures.')
    .argument('[corpus]', 'the corpus whose searches are timed', join(PACKAGE_ROOT, 'workloads/cranfield'))
    .option('--trace <file>', 'queries to time (default: the bundled TREC 2005 queries, and the corpus folder\'s queries.jsonl when it has one)')
    .option('--queries <n>', 'queries read from the trace', positiveInt, 1000)
    .option('--base <preset>', `the preset whose disk and memory the profile keeps (live disks are modelled): ${HARDWARE_PRESET_NAMES.join(', ')}`, oneOf(HARDWARE_PRESET_NAMES), '2001')
    .option('--repetitions <n>', 'times each measurement is repeated (the spread is over these)', positiveInt, 5)
    .option('--out <file>', 'write the hardware profile here (name it in a scenario: "hardware": "host.json")')
    .option(JSON_FLAGS, jsonHelp('the calibration'))
    .addHelpText('after', '\nExamples:\n  searchsim calibrate --out scenarios/host.json\n  searchsim run scenarios/live-cranfield-memory.json   # with "hardware": "host.json" in its cluster (found beside the scenario)')
    .action(async (corpus: string, o: CalibrateCliOptions) => {
      const json = jsonTarget(o.json);
      exitOnSignal();
      if (o.out !== undefined) checkWritable(o.out, '--out');
      const texts = await calibrationQueries(o.trace ?? DEFAULT_TRACE, o.queries, o.trace === undefined ? corpus : null);
      const c = await calibrateHost({ index: { corpus, shards: 1 }, queries: texts, base: hardwarePreset(o.base), repetitions: o.repetitions });
      const file = hardwareFileOf(c, new Date().toISOString());
      if (o.out !== undefined) writeAtomic(o.out, JSON.stringify(file, null, 2) + '\n');
      if (json === '-') {
        writeJson('-', file);
        return;
      }
      const m = c.measured;
      const row = (name: string, x: { value: number; low: number; high: number }, unit: string, digits = 1): string[] => [name, `${x.value.toFixed(digits)} ${unit}`, `${x.low.toFixed(digits)} - ${x.high.toFixed(digits)}`];
      console.log(
        table(
          ['figure', 'value', `range over ${c.repetitions} repetitions`],
          [
            row('CPU per posting decoded', m.nsPerPosting, 'ns'),
            row('CPU per query term', m.nsPerTerm, 'ns'),
            row('CPU per leaf request', m.nsPerRequest, 'ns'),
            row('merge per hit at the router', m.nsPerMergedHit, 'ns'),
            row('message to a worker thread, one way (after 5 ms idle)', m.oneWayMs, 'ms', 3),
            row('the same, back to back', m.oneWayBackToBackMs, 'ms', 3),
          ],
        ),
      );
      console.log(`(CPU: one least-squares fit of each request's median time over ${c.cpuSamples / c.repetitions} requests, R^2 ${c.cpuFitR2.toFixed(2)}, the range from a fit of each repetition; the rest: the median repetition; ${c.hostCores} host cores; disk and memory from ${o.base}${o.out ? `; written to ${o.out}` : ''})`);
      if (json) writeJson(json, file);
    });
}
