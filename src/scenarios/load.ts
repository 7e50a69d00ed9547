import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { PACKAGE_ROOT } from './constants.ts';
import { SearchsimError, errors } from '../core/index.ts';
import { requireFile } from '../corpus/index.ts';
import { hardwarePreset, isHardwareFile } from '../hardware/index.ts';
import { preset } from './presets.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';
import { z as zod } from 'zod';
import { FunnelStageSchema, funnelProblems, type FunnelStage } from './funnel.ts';

export { PACKAGE_ROOT };

/** A scenario with paths resolved and where it came from. */
export interface LoadedScenario {
  scenario: Scenario;
  /** Folder relative paths in the scenario are resolved against. */
  baseDir: string;
  source: string;
}

function pathOf(p: PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('') || '(top level)';
}

/** One line: the file, then each problem's JSON path, what was wrong and the bad value, joined by "; ". */
export function formatIssues(source: string, issues: readonly zod.core.$ZodIssue[]): string {
  const lines = issues.map((i) => {
    const where = pathOf(i.path);
    let input: unknown = 'input' in i ? i.input : undefined;
    // A bad discriminator is reported at `kind`; show the kind, not the whole object.
    if (i.code === 'invalid_union' && 'discriminator' in i && typeof input === 'object' && input !== null) {
      input = (input as Record<string, unknown>)[String(i.discriminator)];
    }
    // JSON has no Infinity or NaN (JSON.parse gives Infinity for 1e400): show them as numbers, not null.
    const raw = typeof input === 'number' && !Number.isFinite(input) ? String(input) : (JSON.stringify(input) ?? String(input));
    const shown = input === undefined || i.code === 'unrecognized_keys' ? '' : raw;
    const got = shown === '' ? '' : `, got ${shown.length > 60 ? `${shown.slice(0, 60)}...` : shown}`;
    return `${where}: ${i.message}${got}`;
  });
  return `${source}: ${lines.join('; ')}`;
}

/**
 * A mistake in a scenario found after validation (it depends on the corpus or the files it names),
 * worded like the validation's own: the scenario, the JSON path, what is wrong and the bad value.
 */
export function scenarioError(source: string, path: string, message: string, value?: unknown): SearchsimError {
  const got = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
  return new SearchsimError('E_INPUT', `${source}: ${path}: ${message}${got}`);
}

/** Validates a scenario object; errors name the JSON path and the bad value. */
export function parseScenario(value: unknown, source: string, baseDir: string): LoadedScenario {
  const r = ScenarioSchema.safeParse(value, { reportInput: true });
  if (!r.success) throw new SearchsimError('E_INPUT', formatIssues(source, r.error.issues));
  const c = r.data.cluster;
  if (isHardwareFile(c.hardware)) {
    // A hardware file is found beside the scenario and checked now, so its mistakes come before any work.
    c.hardware = resolvePath(baseDir, c.hardware);
    try {
      hardwarePreset(c.hardware);
    } catch (e) {
      if (e instanceof SearchsimError && e.isUserError) throw scenarioError(source, 'cluster.hardware', e.message);
      throw e;
    }
  }
  return { scenario: r.data, baseDir, source };
}

/** Reads and validates a scenario file. */
export function loadScenarioFile(path: string): LoadedScenario {
  requireFile(path, 'scenario file');
  let text = readFileSync(path, 'utf8');
  // Windows editors start UTF-8 files with a byte-order mark; corpora and traces accept one too.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw errors.input({ file: path, line }, 'a JSON scenario', (e as Error).message);
  }
  return parseScenario(value, path, dirname(resolve(path)));
}

export function resolvePath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** A scenario named on the command line: a file, or else a built-in preset. */
export function loadScenarioArg(arg: string): LoadedScenario {
  if (existsSync(arg) || /[/\\]|\.json$/i.test(arg)) return loadScenarioFile(arg);
  return parseScenario(preset(arg), `preset ${arg}`, PACKAGE_ROOT);
}

/** Validates a funnel given as stage objects (as a scenario's `funnel` section); errors name `funnel[i]`. */
export function parseFunnel(value: unknown, source: string): FunnelStage[] {
  const r = zod.array(FunnelStageSchema).min(1).safeParse(value, { reportInput: true });
  if (!r.success) throw new SearchsimError('E_INPUT', formatIssues(source, r.error.issues.map((i) => ({ ...i, path: ['funnel', ...i.path] }))));
  const p = funnelProblems(r.data)[0];
  if (p) throw new SearchsimError('E_INPUT', `${source}: funnel[${p.index}]: ${p.message}`);
  return r.data;
}
