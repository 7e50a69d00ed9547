import { spawnSync } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `searchsim` binary as a user would (bin/searchsim.js), from the repository root. */
export function cli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['bin/searchsim.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
