import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

const { dir } = tempFiles('html');

const VERBS = [
  ['run', 'scenarios/mm1.json'],
  ['compare', 'scenarios/mm1.json', 'scenarios/mm1.json'],
  ['sweep', 'scenarios/mm1.json', '--qps', '10'],
  ['plan', 'scenarios/mm1.json', '--qps', '10'],
];

describe('--html FILE', () => {
  it('is checked before any work, on every verb that takes it, like --json', () => {
    const missing = join(dir, 'no-such-folder', 'report.html');
    for (const verb of VERBS) {
      const r = cli(...verb, '--html', missing);
      expect(r.code, verb.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`searchsim: --html must be a file that can be written (its folder ${join(dir, 'no-such-folder')} does not exist), got ${JSON.stringify(missing)}\n`);
    }
    const stdout = cli('run', 'scenarios/mm1.json', '--html', '-');
    expect(stdout.code).toBe(2);
    expect(stdout.stderr).toBe('searchsim: --html must be a file (a page is not written to stdout), got "-"\n');
  });

  it('writes the page beside the JSON (on stdout here), by a rename that leaves no temporary file', () => {
    const page = join(dir, 'run.html');
    const r = cli('run', 'scenarios/mm1.json', '--queries', '12000', '--json', '-', '--html', page);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).queries.total).toBe(12000);
    const text = readFileSync(page, 'utf8');
    expect(text).toMatch(/^<!doctype html>\n/);
    expect(text).toContain('<title>searchsim run: mm1</title>');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
