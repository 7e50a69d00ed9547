import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

describe('searchsim funnel', () => {
  it('runs a study of funnels: per funnel its stages, latency, CPU a query and, on a judged collection, its quality', () => {
    const r = cli(
      'funnel',
      'scenarios/funnel-cranfield.json',
      '--queries', '300',
      '--stages', 'bm25:1000,model:10',
      '--stages', 'bm25:1000,rm3:100,model:10',
      '--device', 'a100',
      '--judged', 'workloads/cranfield',
      '--json', '-',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.points.map((p: { stages: string }) => p.stages)).toEqual(['bm25:1000,model:10', 'bm25:1000,rm3:100,model:10']);
    const [plain, rm3] = out.points;
    expect(plain.funnel.stages.map((s: { stage: string }) => s.stage)).toEqual(['bm25:1000', 'send + merge', 'model:10']);
    expect(rm3.funnel.stages.map((s: { stage: string }) => s.stage)).toEqual(['bm25:1000', 'rm3:100', 'send + merge', 'model:10']);
    // The model reads what the merge keeps: 1,000 candidates without the re-ranker, 100 with it.
    expect(plain.funnel.stages[2].candidatesIn).toBeGreaterThan(5 * rm3.funnel.stages[3].candidatesIn);
    expect(plain.cpuSecondsPerQuery).toBeGreaterThan(rm3.cpuSecondsPerQuery);
    expect(plain.latencyMs.p99).toBeGreaterThan(rm3.latencyMs.p99);
    // Quality: the same first stage; the re-ranker changes the ranking.
    expect(rm3.quality.firstStage).toEqual(plain.quality.firstStage);
    expect(plain.quality.funnel).toEqual(plain.quality.firstStage);
    expect(rm3.quality.funnel.map).not.toBe(rm3.quality.firstStage.map);
  });

  it('refuses a funnel that cannot run with one line naming the stage, exit 2', () => {
    const r = cli('funnel', 'scenarios/funnel-cranfield.json', '--stages', 'bm25:100,rm3:500');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('searchsim: --stages stage 2 (rm3:500) keeps 500 candidates, more than the 100 it gets from stage 1 (bm25:100)');
  });
});

describe('searchsim eval --funnel', () => {
  it.each(['workloads/cranfield', 'workloads/cacm'])('%s: MAP with and without the re-ranking stage, over the same candidates', (dir) => {
    const r = cli('eval', dir, '--funnel', 'bm25:1000,rm3:1000', '--json', '-');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stages).toBe('bm25:1000,rm3:1000');
    expect(out.results).toBe(1000);
    // The first stage alone is plain BM25 (the quality bar of tests/cli/eval.test.ts).
    expect(out.firstStage.map).toBeGreaterThan(0.29);
    expect(out.funnel.map).toBeGreaterThan(0);
    expect(out.funnel.map).not.toBe(out.firstStage.map);
  });
});
