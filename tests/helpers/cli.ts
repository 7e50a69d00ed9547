import { spawnSync } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Variables added to this process's environment (e.g. a private TMPDIR). */
  env?: Record<string, string>;
  /** Milliseconds before the run is killed (default 290 s: the slowest CLI test allows 300 s). */
  timeoutMs?: number;
}

/**
 * Runs the real `searchsim` binary as a user would (bin/searchsim.js), from the repository root. The run
 * cache is off, so every test really runs what it asks for (tests of the cache turn it on with `env`).
 */
export function cli(...args: string[]): CliRun {
  return cliWith({}, ...args);
}

/** `cli` with a changed environment or time limit. */
export function cliWith(options: CliOptions, ...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['bin/searchsim.js', ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 290_000,
    env: { ...process.env, SEARCHSIM_CACHE: 'off', ...options.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
