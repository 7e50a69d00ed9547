import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWith } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

const { dir, file } = tempFiles('cache');
const entries = (d: string) => readdirSync(d).filter((f) => f.startsWith('run-'));

describe('the run cache', () => {
  const cacheDir = join(dir, 'c1');
  const env = { SEARCHSIM_CACHE: 'on', SEARCHSIM_CACHE_DIR: cacheDir };
  const args = ['run', 'scenarios/mm1.json', '--queries', '12000'];

  it('answers a run made before from disk, with byte-identical JSON', () => {
    const first = cliWith({ env }, ...args, '--json', '-');
    expect(first.code, first.stderr).toBe(0);
    expect(entries(cacheDir)).toHaveLength(1);
    const again = cliWith({ env }, ...args, '--json', '-');
    expect(again.stdout).toBe(first.stdout);
    const table = cliWith({ env }, ...args);
    expect(table.stdout).toMatch(/1 of 1 runs read from the run cache in .*c1 \(--no-cache runs them again\)/);
    // The same run without the cache gives the same bytes.
    expect(cliWith({ env }, ...args, '--json', '-', '--no-cache').stdout).toBe(first.stdout);
  });

  it('runs again when anything that decides the result differs: an option, or an input file\'s contents', () => {
    const d = join(dir, 'c2');
    const e = { SEARCHSIM_CACHE: 'on', SEARCHSIM_CACHE_DIR: d };
    const trace = file('t.tsv', 'boundary layer\n');
    const scenario = file('s.json', JSON.stringify({ corpus: join(process.cwd(), 'workloads/cranfield'), workload: { trace, arrival: { kind: 'poisson', qps: 10 }, queries: 50 }, cluster: { shards: 2 } }));
    const a = cliWith({ env: e }, 'run', scenario, '--json', '-');
    expect(a.code, a.stderr).toBe(0);
    expect(cliWith({ env: e }, 'run', scenario, '--json', '-', '--seed', '9').stdout).not.toBe(a.stdout);
    expect(entries(d)).toHaveLength(2);
    writeFileSync(trace, 'heat transfer\n');
    const b = cliWith({ env: e }, 'run', scenario, '--json', '-');
    expect(entries(d)).toHaveLength(3);
    expect(JSON.parse(b.stdout).perQuery).not.toEqual(JSON.parse(a.stdout).perQuery);
  });

  it('recomputes an entry it cannot read, and stays within its bound by dropping the least recently used', () => {
    const d = join(dir, 'c3');
    const e = { SEARCHSIM_CACHE: 'on', SEARCHSIM_CACHE_DIR: d };
    const first = cliWith({ env: e }, ...args, '--json', '-');
    const [entry] = entries(d);
    writeFileSync(join(d, entry), '{"formatVersion": 2, "trunc');
    expect(cliWith({ env: e }, ...args, '--json', '-').stdout).toBe(first.stdout);
    // A bound of one and a half entries keeps one.
    const bytes = readFileSync(join(d, entry)).length;
    const small = { ...e, SEARCHSIM_CACHE_MAX_BYTES: String(Math.round(1.5 * bytes)) };
    for (const seed of ['1', '2', '3']) expect(cliWith({ env: small }, ...args, '--json', '-', '--seed', seed).code).toBe(0);
    expect(entries(d)).toHaveLength(1);
  });

  it('is off with SEARCHSIM_CACHE=off: nothing is written', () => {
    const d = join(dir, 'c4');
    expect(cliWith({ env: { SEARCHSIM_CACHE: 'off', SEARCHSIM_CACHE_DIR: d } }, ...args, '--json', '-').code).toBe(0);
    expect(() => readdirSync(d)).toThrow();
  });
});
