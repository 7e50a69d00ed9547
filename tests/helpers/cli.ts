import { spawnSync } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `searchsim` binary as a user would (bin/searchsim.js), from the repository root. The run
 * cache is off, so every test really runs what it asks for (tests of the cache turn it on with `env`).
 */
export function cli(...args: string[]): CliRun {
  return cliWith({}, ...args);
}

/** `cli` with extra environment variables. */
export function cliWith(env: Record<string, string>, ...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['bin/searchsim.js', ...args], { encoding: 'utf8', timeout: 290_000, env: { ...process.env, SEARCHSIM_CACHE: 'off', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
