import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalShards } from '../../src/index/index.ts';
import { cliWith } from '../helpers/cli.ts';

/** A private TMPDIR, so only this file's runs make searchsim-* folders in it. */
const tmp = mkdtempSync(join(tmpdir(), 'cleanup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const folders = () => readdirSync(tmp).filter((f) => f.startsWith('searchsim-'));
const files = () => folders().flatMap((f) => readdirSync(join(tmp, f)));

describe('--storage disk leaves nothing behind', () => {
  it('removes its segment files and folders when a run ends (one folder a worker thread stayed)', () => {
    expect(folders()).toEqual([]);
    for (const args of [
      ['query', 'workloads/cranfield', 'wing', '--storage', 'disk', '--shards', '4', '--threads', '2'],
      ['eval', 'workloads/cranfield', '--storage', 'disk', '--shards', '3', '--threads', '0', '--json', '-'],
    ]) {
      const r = cliWith({ env: { TMPDIR: tmp } }, ...args);
      expect(r.code, r.stderr).toBe(0);
      expect(folders()).toEqual([]);
    }
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('removes them when the run is stopped by %s (exit code %i)', async (signal, code) => {
    const child = spawn(process.execPath, ['bin/searchsim.js', 'eval', 'workloads/cacm', '--storage', 'disk', '--shards', '400', '--threads', '2', '--force'], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Wait until segment files are being written, then stop the run.
    for (let waited = 0; files().length === 0 && waited < 60_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(files().length).toBeGreaterThan(0);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr).toMatch(new RegExp(`searchsim: interrupted \\(${signal}\\); temporary files removed\\n$`));
    expect(folders()).toEqual([]);
  }, 90_000);

  it('in the library, removes the default folder when the last store in it closes', async () => {
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const set = await LocalShards.open({ corpus: 'workloads/cranfield', shards: 2, storage: { kind: 'disk' } });
      expect(folders()).toHaveLength(1);
      await set.close();
      expect(folders()).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});
