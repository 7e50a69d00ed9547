import { accessSync, closeSync, constants, openSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errors } from '../core/index.ts';
import { traceLoadLine } from '../report/index.ts';
import { DEFAULT_TRACE, ignoredSections, type LoadedScenario } from '../scenarios/index.ts';
import type { TraceLoad } from '../workload/index.ts';

/**
 * The one `--json` convention of every verb: `--json FILE` writes the JSON to FILE beside the usual
 * table; `--json` alone or `--json -` writes it to stdout instead of the table.
 */
export const JSON_FLAGS = '--json [file]';
export function jsonHelp(what: string): string {
  return `write ${what} as JSON to a file (no file or -: to stdout, instead of the table)`;
}

/** Where `--json` sends the JSON: a file, `-` for stdout, or nowhere. Checked at once (see checkWritable). */
export function jsonTarget(value: string | boolean | undefined): string | undefined {
  if (value === undefined || value === false) return undefined;
  const target = value === true ? '-' : value;
  checkWritable(target);
  return target;
}

/**
 * Fails unless `file` can be written, before any work, so a long run is never lost to a typo in its
 * output path: the file is opened for appending (or created and removed again), which also catches
 * read-only file systems and places that permissions alone do not explain.
 */
export function checkWritable(file: string, option = '--json'): void {
  if (file === '-') return;
  const bad = (why: string) => errors.option(option, `a file that can be written (${why})`, file);
  const folder = dirname(resolve(file));
  let st;
  try {
    st = statSync(folder);
  } catch {
    throw bad(`its folder ${folder} does not exist`);
  }
  if (!st.isDirectory()) throw bad(`${folder} is not a folder`);
  let existed = true;
  try {
    if (statSync(file).isDirectory()) throw bad(`${file} is a directory`);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
    existed = false;
  }
  try {
    closeSync(openSync(file, existed ? 'r+' : 'wx'));
    if (!existed) unlinkSync(file);
  } catch (e) {
    throw bad((e as Error).message.split(',')[0]);
  }
}

export const HTML_FLAGS = '--html <file>';
export const HTML_HELP = 'also write a self-contained HTML page of charts to FILE (it loads nothing from the network)';

/**
 * Where `--html` writes its page, checked at once like `--json`'s file; the folder must be writable too,
 * because the page is written beside the file first and renamed over it (writeAtomic).
 */
export function htmlTarget(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === '-') throw errors.option('--html', 'a file (a page is not written to stdout)', value);
  checkWritable(value, '--html');
  try {
    accessSync(dirname(resolve(value)), constants.W_OK);
  } catch {
    throw errors.option('--html', `a file in a folder that can be written (${dirname(resolve(value))} cannot)`, value);
  }
  return value;
}

/**
 * Writes `text` to a temporary file beside `file` and renames it over `file`: a reader (a browser left
 * open on the report, say) sees the old page or the new one, never half of one, and a failed write
 * leaves the old page as it was.
 */
export function writeAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw errors.notFound(file, `writable path (${(e as NodeJS.ErrnoException).code ?? 'write failed'})`);
  }
}

/** A warning: one line on stderr, never on stdout (which may carry the JSON). */
export function warn(message: string): void {
  process.stderr.write(`searchsim: warning: ${message}\n`);
}

/** Warns once about the sections of a scenario its service ignores (see scenarios/ignoredSections). */
export function warnIgnored(loaded: LoadedScenario): void {
  const w = ignoredSections(loaded);
  if (w !== null) warn(w);
}

/**
 * Prints the load report of each trace a scenario names, once however many runs replay it (a study or
 * a comparison), with its warnings; the bundled default trace goes without a report.
 */
export function traceReporter(): (load: TraceLoad) => void {
  const seen = new Set<string>();
  return (load) => {
    if (seen.has(load.path) || load.path === DEFAULT_TRACE) return;
    seen.add(load.path);
    process.stderr.write(`searchsim: ${traceLoadLine(load)}\n`);
    for (const w of load.warnings) warn(`${load.path}: ${w}`);
  };
}

/** Writes JSON to a file, or to stdout when the file is `-`. Keys keep insertion order: stable output. */
export function writeJson(file: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (file === '-') {
    process.stdout.write(text);
    return;
  }
  // Whole or not at all: a run interrupted while writing leaves no half-written JSON.
  writeAtomic(file, text);
}

/** A plain text table: columns padded, numbers right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const right = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  return cells
    .map((r) => r.map((v, c) => (right[c] ? v.padStart(width[c]) : v.padEnd(width[c]))).join('  ').trimEnd())
    .join('\n');
}
