/**
 * The main job (`npm start`: compare google-2000-disk google-2001-memory with the expansion study) as a
 * user meets it, timed from outside in fresh processes:
 * - first run: an empty run cache (what a fresh clone does),
 * - second run: the same command again, answered from the run cache,
 * - and, for reference, a run with `--no-cache` after them.
 *
 *   npx tsx benchmarks/main-job.ts [--rounds 2]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 1) || 1;
const command = ['bin/searchsim.js', 'compare', 'google-2000-disk', 'google-2001-memory', '--expansion-terms', '1,2,5,10,20,50'];

function timed(cacheDir: string, extra: string[] = []): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...command, ...extra], { cwd: root, encoding: 'utf8', env: { ...process.env, SEARCHSIM_CACHE: 'on', SEARCHSIM_CACHE_DIR: cacheDir }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`the main job failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

console.log(`main job: node ${command.join(' ')}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| round | first run (empty cache) s | second run (cached) s | --no-cache s |');
console.log('|---:|---:|---:|---:|');
for (let round = 1; round <= rounds; round++) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'searchsim-mainjob-'));
  try {
    const first = timed(cacheDir);
    const second = timed(cacheDir);
    const fresh = timed(cacheDir, ['--no-cache']);
    console.log(`| ${round} | ${first.toFixed(1)} | ${second.toFixed(1)} | ${fresh.toFixed(1)} |`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
