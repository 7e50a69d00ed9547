import { describe, expect, it } from 'vitest';
import { SearchsimError } from '../../src/core/index.ts';
import { LocalShards, analyzeQuery } from '../../src/index/index.ts';
import { Analyzer } from '../../src/analysis/index.ts';
import { readQueries } from '../../src/corpus/index.ts';
import { hardwarePreset } from '../../src/hardware/index.ts';
import { funnelPlan, live, parseScenario, parseStages, type ScenarioInput } from '../../src/scenarios/index.ts';
import { funnelRankings } from '../../src/cli/judged.ts';
import type { FunnelReport, FunnelStageRow, RunReport } from '../../src/report/index.ts';
import { run } from '../helpers/scenario.ts';

const CRANFIELD = 'workloads/cranfield';

/** Cranfield on 4 memory shards, 300 queries at 20 a second (a light load: little queueing). */
const base = (extra: Partial<ScenarioInput> = {}, modelledDocs?: number): ScenarioInput => ({
  name: 'funnel',
  seed: 3,
  corpus: CRANFIELD,
  workload: { arrival: { kind: 'poisson', qps: 20 }, queries: 300, warmupQueries: 50, trace: `${CRANFIELD}/queries.jsonl` },
  cluster: { shards: 4, replicas: 1, mode: 'memory', hardware: '2001', ...(modelledDocs ? { modelledDocs } : {}) },
  ...extra,
});

const stage = (f: FunnelReport, label: string): FunnelStageRow => {
  const row = f.stages.find((s) => s.stage === label);
  expect(row, `a row for ${label} in ${f.stages.map((s) => s.stage).join(', ')}`).toBeDefined();
  return row!;
};

const funnelOf = (r: RunReport): FunnelReport => {
  expect(r.funnel).not.toBeNull();
  return r.funnel!;
};

describe('the ranking funnel in a run', () => {
  it('with BM25 alone times every query as workload.k does: a funnel adds nothing it does not run', async () => {
    const plain = await run(base({ workload: { ...base().workload!, k: 20 } }));
    const funnel = await run(base({ funnel: [{ kind: 'bm25', keep: 20 }] }));
    expect(plain.funnel).toBeNull();
    expect(funnel.latencyMs).toEqual(plain.latencyMs);
    expect(funnel.perQuery).toEqual(plain.perQuery);
    expect(funnel.workload.k).toBe(20);
  });

  it('reports each stage\'s candidates, and the stages\' shares of latency with queueing make the whole', async () => {
    const r = await run(base({ funnel: [{ kind: 'bm25', keep: 500 }, { kind: 'rm3', keep: 50 }, { kind: 'model', keep: 10, device: 'a100' }] }));
    const f = funnelOf(r);
    expect(f.stages.map((s) => s.stage)).toEqual(['bm25:500', 'rm3:50', 'send + merge', 'model:10']);
    const [bm25, rm3, trip, model] = f.stages;
    expect(bm25.candidatesIn).toBeNull();
    expect(rm3.candidatesIn).toBeCloseTo(bm25.candidatesOut, 9);
    // Four leaves keep at most 50 each; the merge keeps 50; the model returns 10.
    expect(rm3.candidatesOut).toBeLessThanOrEqual(200);
    expect(trip.candidatesOut).toBeLessThanOrEqual(50);
    expect(model.candidatesIn).toBeCloseTo(trip.candidatesOut, 9);
    expect(model.candidatesOut).toBeLessThanOrEqual(10);
    expect(model.device).toBe('a100');
    expect(rm3.cpuMsPerQuery).toBeGreaterThan(0);
    // BERT-large over 512 tokens on an A100: 2 x 340e6 x 512 / 312e12 s a candidate.
    expect(model.cpuMsPerQuery).toBeCloseTo(model.candidatesIn! * ((2 * 340e6 * 512) / 312e12) * 1000, 6);
    const shares = f.stages.reduce((a, s) => a + s.latencyShare, 0) + f.queueingShare;
    expect(shares).toBeCloseTo(1, 9);
    expect(f.stages.reduce((a, s) => a + s.energyJPerQuery, 0)).toBeCloseTo(r.perQuery.energyJ, 9);
  });

  it('grows the re-ranker\'s and the root model\'s time and energy linearly in the candidates they get', async () => {
    // A modelled index 1,000 times Cranfield: every leaf that holds a term fills each stage's count.
    const at = (n: number, m: number) => run(base({ funnel: [{ kind: 'bm25', keep: n }, { kind: 'rm3', keep: m }, { kind: 'model', keep: 5, device: 'a100' }] }, 1_400_000));
    const [a, b, c] = await Promise.all([at(1000, 100), at(2000, 200), at(4000, 400)]);
    const rm3 = [a, b, c].map((r) => stage(funnelOf(r), r === a ? 'rm3:100' : r === b ? 'rm3:200' : 'rm3:400'));
    const model = [a, b, c].map((r) => stage(funnelOf(r), 'model:5'));
    const trip = [a, b, c].map((r) => stage(funnelOf(r), 'send + merge'));
    expect(rm3[0].candidatesIn).toBeGreaterThan(0);
    for (const rows of [rm3, model]) {
      expect(rows[1].cpuMsPerQuery / rows[0].cpuMsPerQuery).toBeCloseTo(2, 6);
      expect(rows[2].cpuMsPerQuery / rows[0].cpuMsPerQuery).toBeCloseTo(4, 6);
      expect(rows[1].energyJPerQuery / rows[0].energyJPerQuery).toBeCloseTo(2, 6);
      expect(rows[2].energyJPerQuery / rows[0].energyJPerQuery).toBeCloseTo(4, 6);
    }
    // The candidates sent up double with each leaf's keep; the merge costs a fixed part plus a part per candidate.
    expect(trip[1].candidatesIn! / trip[0].candidatesIn!).toBeCloseTo(2, 9);
    expect(trip[2].cpuMsPerQuery - trip[1].cpuMsPerQuery).toBeCloseTo(2 * (trip[1].cpuMsPerQuery - trip[0].cpuMsPerQuery), 9);
  });

  it('on a scaled-up index gives every leaf the query\'s candidates, also leaves whose small real shard holds none of its terms', async () => {
    // 700 real shards of 2 documents (many hold none of a query's terms); each modelled shard 10,000 times as many.
    const r = await run(base({ cluster: { ...base().cluster!, shards: 700, modelledDocs: 14_000_000 }, funnel: [{ kind: 'bm25', keep: 100 }] }));
    const bm25 = stage(funnelOf(r), 'bm25:100');
    expect(bm25.candidatesOut).toBeGreaterThan(0.95 * 700 * 100);
    expect(bm25.candidatesOut).toBeLessThanOrEqual(700 * 100);
  });

  it('splits a leaf stage\'s count evenly over the shards when asked', () => {
    const plan = funnelPlan(parseStages('bm25:1000/split,rm3:100/split,model:10'), hardwarePreset('2001'), 8);
    expect(plan.k).toBe(125);
    expect(plan.rerank?.keep).toBe(13);
    expect(plan.router.leafKeep).toBe(100);
    expect(plan.results).toBe(10);
  });
});

describe('a funnel stage that keeps every candidate and adds no signal', () => {
  it('leaves the first stage\'s ranking as it is: a model stage, and rm3 with the typed query only', async () => {
    const set = await LocalShards.open({ corpus: CRANFIELD, shards: 3 });
    try {
      const a = new Analyzer({});
      const typed = (await readQueries(`${CRANFIELD}/queries.jsonl`)).slice(0, 60).map((q) => analyzeQuery(a, q.text));
      for (const text of ['bm25:200,model:200', 'bm25:200,rm3:200,model:200']) {
        const stages = parseStages(text).map((s) => (s.kind === 'rm3' ? { ...s, originalWeight: 1 } : s));
        const r = await funnelRankings(set, typed, funnelPlan(stages, hardwarePreset('2001'), 3));
        expect(r.funnel).toEqual(r.firstStage);
        expect(r.firstStage[0].length).toBeGreaterThan(10);
      }
      // With feedback it reorders.
      const r = await funnelRankings(set, typed, funnelPlan(parseStages('bm25:200,rm3:200'), hardwarePreset('2001'), 3));
      expect(r.funnel).not.toEqual(r.firstStage);
    } finally {
      await set.close();
    }
  });
});

describe('a funnel that cannot run is a one-line error naming the stage', () => {
  const scenarioError = (funnel: unknown, extra: Record<string, unknown> = {}): string => {
    try {
      parseScenario({ ...base(), funnel, ...extra }, 'f.json', process.cwd());
    } catch (e) {
      expect(e).toBeInstanceOf(SearchsimError);
      expect((e as Error).message).not.toContain('\n');
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  it.each([
    [[{ kind: 'bm25', keep: 100 }, { kind: 'rm3', keep: 200 }], /funnel\[1\].*\(rm3:200\) keeps 200 candidates, more than the 100 it gets from stage 1 \(bm25:100\)/],
    [[{ kind: 'bm25', keep: 100 }, { kind: 'proximity', keep: 10 }], /funnel\[1\]\.kind/],
    [[{ kind: 'bm25', keep: 0 }], /funnel\[0\]\.keep/],
    [[{ kind: 'rm3', keep: 10 }], /funnel\[0\].*must be bm25/],
    [[{ kind: 'bm25', keep: 100 }, { kind: 'model', keep: 10 }, { kind: 'rm3', keep: 5 }], /funnel\[2\].*must come right after bm25/],
  ])('in a scenario file: %j', (funnel, message) => {
    expect(scenarioError(funnel)).toMatch(message);
  });

  it.each([
    ['bm25:100,rm3:200', /^--stages stage 2 \(rm3:200\) keeps 200 candidates, more than the 100/],
    ['bm25:100,rerank:10', /--stages stage 2 \("rerank:10"\) kind must be bm25, rm3, model, got "rerank"/],
    ['bm25:0', /--stages stage 1 \("bm25:0"\) count must be a whole number/],
    ['bm25:100,model:10/split', /--stages stage 2 \("model:10\/split"\) must be a leaf stage/],
  ])('on the command line: %s', (text, message) => {
    expect(() => parseStages(text)).toThrow(message);
  });

  it('needs real shards ranking: a synthetic service, per-term list sizes and live mode refuse it by name', async () => {
    const synthetic = parseScenario({ name: 's', seed: 1, service: { kind: 'exponential', meanMs: 1 }, cluster: { shards: 1, replicas: 1 }, workload: { arrival: { kind: 'poisson', qps: 1 }, queries: 10 }, funnel: [{ kind: 'bm25', keep: 10 }] }, 's.json', process.cwd());
    await expect(run({ ...synthetic.scenario } as ScenarioInput)).rejects.toThrow(/funnel: needs service.kind "index"/);
    await expect(run(base({ funnel: [{ kind: 'bm25', keep: 10 }], cluster: { ...base().cluster!, listSizes: 'per-term', modelledDocs: 1e6 } }))).rejects.toThrow(/funnel: needs cluster.listSizes "uniform"/);
    await expect(live(parseScenario(base({ funnel: [{ kind: 'bm25', keep: 10 }] }), 'l.json', process.cwd()), { queries: 10 })).rejects.toThrow(/funnel: live mode does not run this section yet/);
  });
});
