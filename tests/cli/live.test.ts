import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWith } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

const files = tempFiles('live');
const scenario = (name: string, body: object) =>
  files.file(`${name}.json`, JSON.stringify({ name, seed: 1, corpus: join(process.cwd(), 'workloads/cranfield'), workload: { arrival: { kind: 'poisson', qps: 100 }, queries: 400, warmupQueries: 100 }, ...body }));

describe('searchsim live', () => {
  it('serves a scenario on worker threads and reports its latency from the intended arrivals, with the live figures', () => {
    const out = join(files.dir, 'live.json');
    const r = cliWith({ timeoutMs: 120_000 }, 'live', 'scenarios/live-cranfield-memory.json', '--duration', '2s', '--json', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/issue lateness p50 \/ p99 \/ max/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.live.machines).toBe(8);
    expect(report.queries.measured).toBeGreaterThan(250);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50);
    expect(report.index.realDocs).toBe(1400);
    expect(report.throughputQps).toBeGreaterThan(100);
  }, 130_000);

  it.each([
    ['more machines than the cap', { cluster: { shards: 8, replicas: 5 } }, /cluster\.shards: 8 shards x 5 replicas make 40 machines, more than live mode's limit of 32 \(one worker thread each\)$/m],
    ['a section it does not run', { cluster: { shards: 2, replicas: 1 }, router: { deadlineMs: 50 } }, /: router: live mode does not run this section yet/],
    ['a run longer than the cap', { cluster: { shards: 2, replicas: 1 }, workload: { arrival: { kind: 'poisson', qps: 1 }, queries: 1000, warmupQueries: 10 } }, /workload\.queries: would take 1000 s of wall time live .* more than live mode's 600 s/],
  ])('refuses %s with the limit named (exit 2)', (_what, body, message) => {
    const r = cliWith({ timeoutMs: 60_000 }, 'live', scenario('refused', body));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a bad --duration, naming the option', () => {
    for (const bad of ['0s', 'soon', '-3']) {
      const r = cliWith({}, 'live', 'scenarios/live-cranfield-memory.json', '--duration', bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--duration/);
    }
  });

  it('stops on Ctrl-C with exit code 130 and writes no JSON, whole or half', async () => {
    const out = join(files.dir, 'interrupted.json');
    const child = spawn(process.execPath, ['bin/searchsim.js', 'live', 'scenarios/live-cranfield-memory.json', '--duration', '60s', '--json', out], {
      env: { ...process.env, SEARCHSIM_CACHE: 'off', SEARCHSIM_PROGRESS_S: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Wait until the machines are up and the replay is under way (its progress shows), then interrupt.
    for (let waited = 0; !/searchsim: live: [\d,]+ of/.test(stderr) && waited < 60_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/searchsim: interrupted \(SIGINT\)/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(files.dir).filter((f) => f.includes('interrupted'))).toEqual([]);
  }, 90_000);
});
