import { spawnSync } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Variables added to this process's environment (e.g. a private TMPDIR). */
  env?: Record<string, string>;
  /** Milliseconds before the run is killed (default 170 s: the slowest CLI test allows 180 s). */
  timeoutMs?: number;
}

/** Runs the real `searchsim` binary as a user would (bin/searchsim.js), from the repository root. */
export function cli(...args: string[]): CliRun {
  return cliWith({}, ...args);
}

/** `cli` with a changed environment or time limit. */
export function cliWith(options: CliOptions, ...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['bin/searchsim.js', ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 170_000,
    env: { ...process.env, ...options.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
