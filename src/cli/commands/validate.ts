import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { errors } from '../../core/index.ts';
import { hardwarePreset } from '../../hardware/index.ts';
import { VALIDATION_HEADER, validationPage, validationRows, validationSummary } from '../../report/index.ts';
import { PRESET_NAMES, calibrateFor, hardwareFileOf, loadScenarioArg, validate } from '../../scenarios/index.ts';
import { exitOnSignal, removeOnExit } from '../cleanup.ts';
import { durationS, positiveInt } from '../options.ts';
import { HTML_FLAGS, HTML_HELP, JSON_FLAGS, htmlTarget, jsonHelp, jsonTarget, table, warnIgnored, writeAtomic, writeJson } from '../output.ts';

interface ValidateCliOptions {
  loads: string;
  repetitions: number;
  duration: number;
  hardware?: string;
  json?: string | boolean;
  html?: string;
}

function parseLoads(text: string): number[] {
  const xs = text.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((x) => !(x > 0 && x < 1.5))) throw errors.option('--loads', 'a comma-separated list of shares of the capacity above 0 and below 1.5, like 0.2,0.4,0.6,0.8', text);
  return xs;
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('Hold the simulator to a live run: at shares of the measured live capacity, run the scenario live several times and simulate it on the calibrated hardware profile; predicted against measured p50, p99 and throughput.')
    .argument('<scenario>', `scenario JSON file (an open-loop rate), or a preset: ${PRESET_NAMES.join(', ')}`)
    .option('--loads <list>', 'shares of the measured capacity', '0.2,0.4,0.6,0.8')
    .option('--repetitions <n>', 'live runs at each load (their range is the live run-to-run spread)', positiveInt, 3)
    .option('--duration <time>', 'wall time of each live run (30s, 2m, 500ms; a bare number is seconds)', durationS, 10)
    .option('--hardware <file>', 'a hardware file from `searchsim calibrate` (default: calibrate now, on the scenario\'s corpus and trace)')
    .option(JSON_FLAGS, jsonHelp('the validation'))
    .option(HTML_FLAGS, HTML_HELP)
    .addHelpText('after', '\nExamples:\n  searchsim validate scenarios/live-cranfield-memory.json\n  searchsim calibrate --out host.json && searchsim validate scenarios/live-cranfield-disk.json --hardware host.json --loads 0.2,0.5,0.8')
    .action(async (arg: string, o: ValidateCliOptions) => {
      const json = jsonTarget(o.json);
      const html = htmlTarget(o.html);
      const loads = parseLoads(o.loads);
      const loaded = loadScenarioArg(arg);
      warnIgnored(loaded);
      exitOnSignal();
      // A bad hardware file is said before any work.
      if (o.hardware !== undefined) hardwarePreset(o.hardware);
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
      if (html) writeAtomic(html, validationPage(v));
      if (json === '-') {
        writeJson('-', v);
        return;
      }
      console.log(validationSummary(v));
      console.log(table(VALIDATION_HEADER, validationRows(v)));
      console.log('(live: median (lowest-highest) over the runs; error: model against the live median; * the model lies within the live range)');
      if (json) writeJson(json, v);
    });
}
