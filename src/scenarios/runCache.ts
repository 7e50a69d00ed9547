import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseExact, stringifyExact } from '../core/index.ts';
import { resolveCorpusPath, WORDNET_GLOSSES } from '../corpus/index.ts';
import { isHardwareFile } from '../hardware/index.ts';
import { RUN_FORMAT_VERSION, type RunReport } from '../report/index.ts';
import { PACKAGE_ROOT } from './constants.ts';
import { resolvePath, type LoadedScenario } from './load.ts';
import type { Scenario } from './schema.ts';

/** Bump to forget every cached run (a change of what a cached entry holds). */
const CACHE_FORMAT = 1;
/** Default bound on the cache's size on disk. */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 2 ** 20;

/**
 * Finished runs on disk, so that running the same scenario again costs a file read. A run is a pure
 * function of its scenario (after overrides), its seed, its input files and searchsim's own code: the
 * same inputs give byte-identical JSON. The key is a SHA-256 of all of them: the scenario, the contents
 * of every file it reads (corpus, traces; the WordNet package's files for the glosses corpus) and of
 * src/ and package-lock.json, so an edited corpus or an edited model never returns an old answer.
 *
 * Where: `$SEARCHSIM_CACHE_DIR`, else `$XDG_CACHE_HOME/searchsim`, else `~/.cache/searchsim`; one JSON
 * file per run, written to a temporary name and renamed, so an interrupted write leaves no entry. Bounded:
 * past `$SEARCHSIM_CACHE_MAX_BYTES` (256 MiB by default) the least recently used entries are deleted.
 * Safe to delete at any time, whole or file by file; an unreadable entry is recomputed. Off with
 * `--no-cache` or `SEARCHSIM_CACHE=off`.
 */
export class RunCache {
  hits = 0;
  misses = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes = DEFAULT_CACHE_MAX_BYTES,
  ) {}

  /** The cache the environment asks for, or null when it is turned off. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): RunCache | null {
    if (/^(off|0|false|no)$/i.test(env.SEARCHSIM_CACHE ?? '')) return null;
    const dir = env.SEARCHSIM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'searchsim');
    const max = Number(env.SEARCHSIM_CACHE_MAX_BYTES);
    return new RunCache(resolve(dir), Number.isFinite(max) && max > 0 ? max : DEFAULT_CACHE_MAX_BYTES);
  }

  /**
   * The key of a run of `scenario` (overrides applied) loaded from `loaded`; null when an input cannot be
   * read (the run itself will then say what is wrong).
   */
  key(scenario: Scenario, loaded: LoadedScenario, extra: Record<string, unknown>, defaultTrace: string): string | null {
    return runFingerprint(scenario, loaded, extra, defaultTrace)?.key ?? null;
  }

  get(key: string): RunReport | null {
    const file = this.file(key);
    try {
      const report = parseExact(readFileSync(file, 'utf8')) as RunReport;
      if (report?.formatVersion !== RUN_FORMAT_VERSION) return null;
      const now = new Date();
      utimesSync(file, now, now);
      this.hits++;
      return report;
    } catch {
      return null;
    }
  }

  put(key: string, report: RunReport): void {
    this.misses++;
    try {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${this.file(key)}.${process.pid}.tmp`;
      writeFileSync(tmp, stringifyExact(report));
      renameSync(tmp, this.file(key));
      this.trim();
    } catch {
      // A cache that cannot be written is no cache: the run's own output is unaffected.
    }
  }

  private file(key: string): string {
    return join(this.dir, `run-${key}.json`);
  }

  /** Deletes the least recently used entries while the cache is over its bound. */
  private trim(): void {
    const entries = readdirSync(this.dir)
      .filter((f) => f.startsWith('run-') && f.endsWith('.json'))
      .map((f) => {
        const st = statSync(join(this.dir, f));
        return { f, bytes: st.size, usedMs: st.mtimeMs };
      })
      .sort((a, b) => a.usedMs - b.usedMs);
    let total = entries.reduce((a, e) => a + e.bytes, 0);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      unlinkSync(join(this.dir, e.f));
      total -= e.bytes;
    }
  }
}

/**
 * What a run is a function of, hashed: the code's fingerprint, each input file's (path and contents) and
 * the key over all of them with the scenario. The run cache files a run under `key`; a distributed sweep
 * names its job by it and a worker recomputes `code` and `inputs` to check it would compute the same
 * bytes. Null when an input cannot be read (the run itself will then say what is wrong).
 */
export interface RunFingerprint {
  key: string;
  code: string;
  inputs: [path: string, sha256: string][];
}

export function runFingerprint(scenario: Scenario, loaded: LoadedScenario, extra: Record<string, unknown>, defaultTrace: string): RunFingerprint | null {
  try {
    const inputs = inputFiles(scenario, loaded, defaultTrace).map((p): [string, string] => [p, fingerprint(p)]);
    const code = codeFingerprint();
    return { key: sha256(JSON.stringify({ format: CACHE_FORMAT, run: RUN_FORMAT_VERSION, code, scenario, baseDir: loaded.baseDir, inputs, extra })), code, inputs };
  } catch {
    return null;
  }
}

/** Every file a run of `s` reads: its corpus, its query trace (or the bundled one) and its update trace. */
function inputFiles(s: Scenario, loaded: LoadedScenario, defaultTrace: string): string[] {
  const files: string[] = [];
  if (s.service.kind === 'index' && s.corpus !== undefined) {
    const path = typeof s.corpus === 'string' ? s.corpus : s.corpus.path;
    files.push(resolveCorpusPath(path === WORDNET_GLOSSES ? path : resolvePath(loaded.baseDir, path)));
  }
  if (s.workload.trace) files.push(resolvePath(loaded.baseDir, s.workload.trace));
  else if (s.service.kind === 'index') files.push(defaultTrace);
  if (s.updates?.trace) files.push(resolvePath(loaded.baseDir, s.updates.trace));
  if (isHardwareFile(s.cluster.hardware)) files.push(resolvePath(loaded.baseDir, s.cluster.hardware));
  return files;
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A file's or folder's contents, hashed (memoised by path, size and modification time). */
const fingerprints = new Map<string, { stamp: string; hash: string }>();
function fingerprint(path: string): string {
  const st = statSync(path);
  if (st.isDirectory()) {
    return sha256(
      readdirSync(path)
        .sort()
        .map((f) => `${f}:${fingerprint(join(path, f))}`)
        .join('\n'),
    );
  }
  const stamp = `${st.size}:${st.mtimeMs}`;
  const known = fingerprints.get(path);
  if (known?.stamp === stamp) return known.hash;
  const hash = sha256(readFileSync(path));
  fingerprints.set(path, { stamp, hash });
  return hash;
}

let code: string | null = null;
/** searchsim's own code and locked dependencies. */
function codeFingerprint(): string {
  code ??= sha256([fingerprint(join(PACKAGE_ROOT, 'src')), fingerprint(join(PACKAGE_ROOT, 'package-lock.json'))].join('\n'));
  return code;
}
