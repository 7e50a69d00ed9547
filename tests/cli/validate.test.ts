import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARDWARE_PRESETS } from '../../src/hardware/index.ts';
import { cliWith } from '../helpers/cli.ts';
import { tempFiles } from '../helpers/files.ts';

const files = tempFiles('validate');

describe('searchsim validate', { retry: 2 }, () => {
  it('sets the model beside live runs of an M/M/1 queue: capacity, latency and throughput agree', () => {
    files.file('host.json', JSON.stringify({ ...HARDWARE_PRESETS['2001'], name: 'host' }));
    const scenario = files.file(
      'mm1.json',
      JSON.stringify({ name: 'mm1-live', seed: 3, workload: { arrival: { kind: 'poisson', qps: 30 }, queries: 1000, warmupQueries: 50 }, cluster: { shards: 1, replicas: 1 }, service: { kind: 'exponential', meanMs: 10 } }),
    );
    const out = join(files.dir, 'validation.json');
    const r = cliWith({ timeoutMs: 120_000 }, 'validate', scenario, '--hardware', join(files.dir, 'host.json'), '--loads', '0.5', '--repetitions', '2', '--duration', '4s', '--json', out, '--html', join(files.dir, 'validation.html'));
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(readFileSync(out, 'utf8'));
    // One machine whose leaves hold its core 10 ms on average: it saturates near 100 queries a second.
    expect(v.capacityQps).toBeGreaterThan(70);
    expect(v.capacityQps).toBeLessThan(130);
    const [row] = v.rows;
    expect(row.load).toBe(0.5);
    expect(Math.abs(row.errorPct.throughputQps)).toBeLessThan(15);
    // M/M/1 at utilisation 0.5: mean response 20 ms; the model and the live queue agree within the host's noise.
    expect(Math.abs(row.errorPct.p50Ms)).toBeLessThan(40);
    expect(readFileSync(join(files.dir, 'validation.html'), 'utf8')).toMatch(/<figure class="chart" id="validation"/);
    expect(r.stdout).toMatch(/live capacity [\d.]+ q\/s, bound by the busiest machine's core/);
  }, 130_000);

  it('refuses bad --loads, naming the option (exit 2)', () => {
    const bad = cliWith({}, 'validate', 'scenarios/mm1.json', '--loads', '0.5,2', '--hardware', 'x.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--loads must be/);
  });
});
