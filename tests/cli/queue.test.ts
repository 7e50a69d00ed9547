import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type CliRun } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';
import { findRedisServer, freePort, startRedis, type PrivateRedis } from '../helpers/redis.ts';

/**
 * Sweeps on a BullMQ queue (docs/DISTRIBUTED.md), end to end: the real CLI in separate processes (a
 * sweep and its workers) on a private redis-server. Without redis-server these tests say so and skip.
 */
const REDIS = findRedisServer();
if (REDIS === null) console.warn('tests/cli/queue: no redis-server found (set REDIS_SERVER, or apt-get install redis-server): the distributed sweep tests are skipped');
const withRedis = describe.skipIf(REDIS === null);
const files = tempFiles('queue');

/** The real CLI in a process of its own, its output gathered; the run cache is off as in `cli`. */
function start(...args: string[]): { pid: number; kill(signal: NodeJS.Signals): void; done: Promise<CliRun> } {
  const child = spawn(process.execPath, ['bin/searchsim.js', ...args], { env: { ...process.env, SEARCHSIM_CACHE: 'off', SEARCHSIM_PROGRESS_S: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr })));
  return { pid: child.pid!, kill: (s) => child.kill(s), done };
}

async function until(what: string, f: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A small grid of M/M/1 layouts: four points, two seeds each, a second or so a run. */
const GRID = ['sweep', 'scenarios/mm1.json', '--replicas', '1,2', '--qps', '40,120', '--seeds', '2', '--queries', '20000'];

describe('searchsim sweep --queue, Redis unreachable', () => {
  it('says so in one line naming the URL and exits 2 without hanging, sweep and worker alike', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [[...GRID, '--queue', url], ['worker', '--queue', url]]) {
      const t0 = Date.now();
      const r = cli(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^searchsim: cannot reach Redis at ${url}: .*ECONNREFUSED`));
      expect(Date.now() - t0).toBeLessThan(20_000);
    }
  });

  it.each([
    [['--queue', 'http://127.0.0.1:6379'], /^searchsim: --queue must be a Redis URL like redis:\/\/127\.0\.0\.1:6379 or redis:\/\/HOST:PORT\/DB, got "http:\/\/127\.0\.0\.1:6379"/],
    [['--queue', 'redis://127.0.0.1:6379', '--name', 'a:b'], /^searchsim: --name must be a queue name of letters, digits, _ \. - \(at most 100\), got "a:b"/],
    [['--queue', 'redis://127.0.0.1:6379', '--workers', '2'], /^searchsim: --workers must be left out with --queue/],
    [['--name', 'x'], /^searchsim: --name must be used with --queue, got "x"/],
  ])('refuses bad queue options in one line with exit 2 (%#)', (args, message) => {
    const r = cli(...GRID, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

withRedis('searchsim sweep --queue and searchsim worker', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startRedis(REDIS!);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('gives byte for byte the local sweep (JSON and HTML) with two workers in other processes, and a rerun reuses every finished run', async () => {
    const html = (name: string) => join(files.dir, name);
    const local = cli(...GRID, '--html', html('local.html'), '--json', '-');
    expect(local.code, local.stderr).toBe(0);
    const queue = ['--queue', redis.url, '--name', 'two'];
    const sweep = start(...GRID, ...queue, '--html', html('queue.html'), '--json', '-');
    const workers = [start('worker', ...queue, '--concurrency', '1', '--until-empty'), start('worker', ...queue, '--concurrency', '1', '--until-empty')];
    const r = await sweep.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(local.stdout);
    expect(readFileSync(html('queue.html'), 'utf8')).toBe(readFileSync(html('local.html'), 'utf8'));
    expect(r.stderr).toMatch(/sweeping on queue two at redis:\/\/127\.0\.0\.1:\d+: 4 of 4 points; runs: 0 waiting, 0 active, 8 done, 0 failed/);
    const ws = await Promise.all(workers.map((w) => w.done));
    for (const w of ws) expect(w.code, w.stderr).toBe(0);
    // Each of the 8 runs done once, whichever worker took it.
    expect(ws.map((w) => (w.stderr.match(/ done$/gm) ?? []).length).reduce((a, b) => a + b)).toBe(8);
    // No worker now: the rerun reads every run back from Redis.
    const again = cli(...GRID, ...queue, '--json', '-');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(local.stdout);
  }, 180_000);

  it("finishes on another worker the run of a worker killed in the middle of it, once", async () => {
    const queue = ['--queue', redis.url, '--name', 'killed'];
    const bullmq = new Queue('killed', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      // One run of a few seconds, so it is under way when its worker dies.
      const sweep = start('sweep', 'scenarios/mm1.json', '--qps', '80', '--seeds', '1', '--queries', '400000', ...queue, '--json', '-');
      const doomed = start('worker', ...queue, '--concurrency', '1', '--lock-ms', '1000');
      await until('the run to start', async () => (await bullmq.getJobCounts('active')).active === 1);
      doomed.kill('SIGKILL');
      await doomed.done;
      const rescuer = start('worker', ...queue, '--concurrency', '1', '--lock-ms', '1000', '--until-empty');
      const r = await sweep.done;
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).points).toHaveLength(1);
      const w = await rescuer.done;
      expect(w.code, w.stderr).toBe(0);
      expect(w.stderr.match(/ done$/gm)).toHaveLength(1);
      const [job] = await bullmq.getJobs(['completed']);
      expect(await bullmq.getJobCounts('completed', 'failed')).toEqual({ completed: 1, failed: 0 });
      expect(job.stalledCounter).toBe(1);
    } finally {
      await bullmq.close();
    }
  }, 180_000);

  it('fails a malformed job once, with its error, and goes on', async () => {
    const bullmq = new Queue('malformed', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      await bullmq.add('run', { formatVersion: 1, key: 'nope' }, { jobId: 'bad-job', attempts: 3 });
      const w = start('worker', '--queue', redis.url, '--name', 'malformed', '--concurrency', '1', '--until-empty');
      const r = await w.done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^searchsim worker: job bad-job failed: E_INPUT: queue job bad-job field "key": expected a searchsim sweep job \(format 1\): /m);
      expect(r.stderr).not.toMatch(/tried again/);
      const job = (await bullmq.getJob('bad-job'))!;
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
    } finally {
      await bullmq.close();
    }
  }, 60_000);
});
