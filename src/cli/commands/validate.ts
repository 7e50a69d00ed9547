import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { errors } from '../../core/index.ts';
import { PRESET_NAMES, calibrateFor, hardwareFileOf, loadScenarioArg, validate, type Validation } from '../../scenarios/index.ts';
import { removeOnExit } from '../cleanup.ts';
import { durationS, positiveInt } from '../options.ts';
import { JSON_FLAGS, jsonHelp, jsonTarget, table, warnIgnored, writeAtomic, writeJson } from '../output.ts';

interface ValidateCliOptions {
  loads: string;
  repetitions: number;
  duration: number;
  hardware?: string;
  json?: string | boolean;
}

function parseLoads(text: string): number[] {
  const xs = text.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((x) => !(x > 0 && x < 1.5))) throw errors.option('--loads', 'a comma-separated list of shares of the capacity above 0 and below 1.5, like 0.2,0.4,0.6,0.8', text);
  return xs;
}

/** The validation table: per load, predicted against the live median (its range), and the error. */
export function validationRows(v: Validation): string[][] {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const live = (m: { value: number; low: number; high: number }) => `${f(m.value)} (${f(m.low)}-${f(m.high)})`;
  const pct = (x: number, within: boolean) => `${x >= 0 ? '+' : ''}${x.toFixed(0)} %${within ? ' *' : ''}`;
  return v.rows.map((r) => [
    `${(r.load * 100).toFixed(0)} %`,
    r.qps.toFixed(1),
    live(r.live.p50Ms),
    f(r.predicted.p50Ms),
    pct(r.errorPct.p50Ms, r.withinLiveRange.p50Ms),
    live(r.live.p99Ms),
    f(r.predicted.p99Ms),
    pct(r.errorPct.p99Ms, r.withinLiveRange.p99Ms),
    live(r.live.throughputQps),
    f(r.predicted.throughputQps),
  ]);
}

export const VALIDATION_HEADER = ['load', 'q/s', 'live p50 ms', 'model', 'error', 'live p99 ms', 'model', 'error', 'live q/s', 'model'];

export function validateCommand(): Command {
  return new Command('validate')
    .description('Hold the simulator to a live run: at shares of the measured live capacity, run the scenario live several times and simulate it on the calibrated hardware profile; predicted against measured p50, p99 and throughput.')
    .argument('<scenario>', `scenario JSON file (an open-loop rate), or a preset: ${PRESET_NAMES.join(', ')}`)
    .option('--loads <list>', 'shares of the measured capacity', '0.2,0.4,0.6,0.8')
    .option('--repetitions <n>', 'live runs at each load (their range is the live run-to-run spread)', positiveInt, 3)
    .option('--duration <time>', 'wall time of each live run', durationS, 10)
    .option('--hardware <file>', 'a hardware file from `searchsim calibrate` (default: calibrate now, on the scenario\'s corpus and trace)')
    .option(JSON_FLAGS, jsonHelp('the validation'))
    .addHelpText('after', '\nExamples:\n  searchsim validate scenarios/live-cranfield-memory.json\n  searchsim calibrate --out host.json && searchsim validate scenarios/live-cranfield-disk.json --hardware host.json --loads 0.2,0.5,0.8')
    .action(async (arg: string, o: ValidateCliOptions) => {
      const json = jsonTarget(o.json);
      const loads = parseLoads(o.loads);
      const loaded = loadScenarioArg(arg);
      warnIgnored(loaded);
      const step = (what: string) => process.stderr.write(`searchsim: validate: ${what}\n`);
      let hardwareFile = o.hardware;
      if (hardwareFile === undefined) {
        step('calibrating this host');
        const dir = mkdtempSync(join(tmpdir(), 'searchsim-validate-'));
        removeOnExit(dir);
        hardwareFile = join(dir, 'host.json');
        writeAtomic(hardwareFile, JSON.stringify(hardwareFileOf(await calibrateFor(loaded), new Date().toISOString()), null, 2));
      }
      const v = await validate(loaded, { hardwareFile, loads, repetitions: o.repetitions, durationS: o.duration, onStep: step });
      if (json === '-') {
        writeJson('-', v);
        return;
      }
      console.log(`live capacity ${v.capacityQps.toFixed(1)} q/s, bound by ${v.bottleneck}; ${v.repetitions} live runs of ${v.durationS} s at each load; model on hardware ${v.hardware}`);
      console.log(table(VALIDATION_HEADER, validationRows(v)));
      console.log('(live: median (lowest-highest) over the runs; error: model against the live median; * the model lies within the live range)');
      if (json) writeJson(json, v);
    });
}
