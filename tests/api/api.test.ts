import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SearchsimError, compare, funnel, loadScenario, simulate } from '../../src/api/index.ts';

/** A synthetic M/M/1 scenario object: no shards to build, so each run takes milliseconds. */
const mm1 = { name: 'mm1', seed: 5, service: { kind: 'exponential', meanMs: 10 }, cluster: { shards: 1, replicas: 1, coresPerMachine: 1 }, workload: { arrival: { kind: 'poisson', qps: 50 }, queries: 4000, warmupQueries: 500 } } as const;

describe('the library API', () => {
  it('runs docs/API.md\'s scripted experiment as a user would, importing "searchsim" from plain Node.js', () => {
    const doc = readFileSync('docs/API.md', 'utf8');
    const [, script] = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    const printed = doc.match(/It prints[^\n]*\n\n```\n([\s\S]*?)```/)![1];
    // Inside the checkout, so "searchsim" resolves to this package by its own exports.
    const dir = mkdtempSync(join(process.cwd(), '.api-test-'));
    try {
      writeFileSync(join(dir, 'experiment.mjs'), script);
      const r = spawnSync(process.execPath, [join(dir, 'experiment.mjs')], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, SEARCHSIM_CACHE: 'off' } });
      expect(r.status, r.stderr).toBe(0);
      // The figures the page shows are the ones it prints (the runs are seeded).
      expect(r.stdout).toBe(printed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives the same report for the same scenario and seed, and another for another seed', async () => {
    const a = await simulate(mm1);
    const b = await simulate(mm1);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = await simulate(mm1, { seed: 6 });
    expect(c.latencyMs.p99).not.toBe(a.latencyMs.p99);
    // M/M/1 at utilisation 0.5: mean response 1 / (mu - lambda) = 20 ms.
    expect(a.latencyMs.mean).toBeGreaterThan(17);
    expect(a.latencyMs.mean).toBeLessThan(23);
  });

  it('compares two scenarios on the baseline\'s workload, with every metric\'s change', async () => {
    const slow = { ...mm1, name: 'slow', service: { kind: 'exponential', meanMs: 15 }, workload: { ...mm1.workload, arrival: { kind: 'poisson', qps: 5 } } } as const;
    const c = await compare(mm1, slow);
    expect(c.contender.offeredQps).toBeCloseTo(c.baseline.offeredQps, 9);
    expect(c.contender.latencyMs.mean).toBeGreaterThan(c.baseline.latencyMs.mean);
    expect(c.diff['latencyMs.mean'].changePct).toBeGreaterThan(0);
  });

  it('rejects a mistake with a SearchsimError naming the field, as the CLI prints it', async () => {
    await expect(simulate({ ...mm1, workload: { ...mm1.workload, queries: -1 } })).rejects.toThrow(/^scenario object: workload\.queries: /);
    expect(() => loadScenario('no-such-scenario.json')).toThrow(SearchsimError);
    await expect(funnel('scenarios/funnel-cranfield.json', [{ kind: 'bm25', keep: 10 }, { kind: 'rm3', keep: 20 }] as never)).rejects.toThrow(/funnel\[1\]: \(rm3:20\) keeps 20 candidates, more than the 10/);
    await expect(funnel(mm1, 'bm25:10')).rejects.toThrow(/service\.kind "index"/);
  });
});
