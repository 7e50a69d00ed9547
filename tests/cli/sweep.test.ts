import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../src/report/index.ts';
import { frontiers } from '../../src/sweep/index.ts';
import { cli } from '../helpers/cli.ts';

const point = (machines: number, qps: number, p99: number, meets = true, fixed = false): SweepPoint =>
  ({ machines, qps, meetsSlo: meets, status: 'ok', latencyMs: { p50: 0, p99, p999: 0 }, search: fixed ? null : { bracketQps: [qps, qps], probes: 1, runs: 1 } }) as SweepPoint;

describe('the Pareto frontier', () => {
  it('keeps the layouts no other beats on both fewer machines and more load under the SLO', () => {
    const f = frontiers([point(10, 100, 0), point(20, 150, 0), point(20, 90, 0), point(40, 150, 0), point(60, 300, 0), point(5, 0, 0, false)]);
    expect(f.byMaxQps).toEqual([0, 1, 4]);
  });
  it('at a fixed load, keeps those no other beats on both fewer machines and a lower p99', () => {
    const f = frontiers([point(10, 100, 400, false, true), point(20, 100, 200, true, true), point(30, 100, 250, true, true), point(40, 100, 100, true, true)]);
    expect(f.byP99).toEqual([{ qps: 100, points: [0, 1, 3] }]);
  });
});

describe('searchsim sweep and plan', () => {
  it('sweeps layouts at fixed loads: every point, its bottleneck, and JSON with points and frontier', () => {
    const r = cli('sweep', 'scenarios/mm1.json', '--replicas', '1,2', '--qps', '40,120', '--seeds', '2', '--queries', '20000', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['formatVersion', 'scenario', 'slo', 'load', 'confidence', 'axes', 'points', 'frontier']);
    expect(j.points.map((p: SweepPoint) => [p.params.replicas, p.params.qps, p.machines])).toEqual([
      [1, 40, 1],
      [1, 120, 1],
      [2, 40, 2],
      [2, 120, 2],
    ]);
    // 120 queries/s is past one 10 ms server's capacity: the CPU is the bottleneck and the SLO is missed.
    const over = j.points[1];
    expect(over.meetsSlo).toBe(false);
    expect(over.bottleneck).toBe('cpu');
    expect(j.points[3].meetsSlo).toBe(true);
  });

  it('plans the cheapest layout that holds an SLO at a load, and says why the others lose', () => {
    const r = cli('plan', 'scenarios/mm1.json', '--qps', '120', '--slo', 'p99<200ms', '--shards', '1', '--replicas', '1,2,3', '--seeds', '2', '--queries', '20000');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cheapest layout holding p99<200ms at 120 queries\/s: shards 1, replicas 2 = 2 machines/m);
    expect(r.stdout).toMatch(/shards 1, replicas 1 +1 +misses p99<200ms/);
    expect(r.stdout).toMatch(/shards 1, replicas 3 +3 +meets it with 1 more machines \(3\)/);
  });

  it.each([
    [['--qps', '10', '--slo', 'p99<fast'], /^searchsim: --slo must be like "p99<500ms" \(p50, p90, p99, p99\.9, mean or max/],
    [['--set', 'cluster.nope=1,2', '--qps', '10'], /^searchsim: --set must be a field of the scenario \(cluster: Unrecognized key: "nope"\), got "cluster\.nope"/],
    [['--shards', '100000', '--replicas', '20', '--qps', '10'], /^searchsim: the sweep point shards=100000 replicas=20 qps=10 must be a valid scenario, got .*at most 1000000 are modelled/],
    [['--qps', '10', '--find-max-qps'], /^searchsim: --qps must be left out with --find-max-qps/],
    [['--qps', '10', '--tolerance', '0.05'], /^searchsim: --tolerance must be used with --find-max-qps, got 0\.05/],
    [['--find-max-qps', '--max-probes', '1'], /^searchsim: --max-probes must be an integer from 2 to 1000/],
    [['--find-max-qps', '--tolerance', '1'], /^searchsim: option '--tolerance <share>' argument '1' is invalid\. expected a number above 0 and below 1/],
  ])('refuses bad input in one line with exit 2 (%#)', (args, message) => {
    const r = cli('sweep', 'scenarios/mm1.json', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
