import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

/**
 * The quality bar from ../shared/data/README.md: plain BM25 with SMART stop words and plural stripping
 * lands near MAP 0.31 on Cranfield and 0.34 on CACM; sharding must not change a single score.
 */
describe('searchsim eval', () => {
  it.each([
    ['workloads/cranfield', 0.29, 225],
    ['workloads/cacm', 0.32, 52],
  ])('%s reaches MAP >= %f over its judged queries, identically on 1 and 13 shards', (dir, minMap, judged) => {
    const one = cli('eval', dir, '--json', '-', '--shards', '1');
    const many = cli('eval', dir, '--json', '-', '--shards', '13');
    expect(one.code, one.stderr).toBe(0);
    expect(many.code, many.stderr).toBe(0);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(many.stdout);
    expect(Object.keys(a)).toEqual(['map', 'ndcg10', 'p10', 'recall100', 'queries']);
    expect(a.map).toBeGreaterThanOrEqual(minMap);
    expect(a.queries).toBe(judged);
    expect(b).toEqual(a);
  });

  it('prints a table of the four measures', () => {
    const r = cli('eval', 'workloads/cacm', '--threads', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/MAP\s+0\.3\d{3}/);
    expect(r.stdout).toMatch(/nDCG@10\s+0\.\d{4}/);
    expect(r.stdout).toMatch(/recall@100/);
  });

  describe('with early termination (--match-budget)', () => {
    const evalJson = (...args: string[]) => {
      const r = cli('eval', ...args, '--json', '-');
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };

    // Cranfield has 1,400 documents: a budget of 2,000 matches is never reached, 1,000 is.
    it.each([
      ['workloads/cranfield', '1000'],
      ['workloads/cacm', '2000'],
    ])('%s --match-budget %s: the exhaustive MAP is plain eval\'s, the early-terminating one beside it, lower, and fewer postings read', (dir, budget) => {
      const plain = evalJson(dir);
      const j = evalJson(dir, '--match-budget', budget);
      expect(Object.keys(j)).toEqual(['searcher', 'exhaustive', 'earlyTermination', 'readPerQuery']);
      expect(j.searcher).toEqual({ matchBudget: Number(budget), order: 'static-rank', firstTierShare: null, seed: 1, budgetPerShard: Number(budget) });
      expect(j.exhaustive).toEqual(plain);
      expect(j.earlyTermination.queries).toBe(plain.queries);
      expect(j.earlyTermination.map).toBeLessThan(j.exhaustive.map);
      expect(j.readPerQuery.earlyTermination.postings).toBeLessThan(j.readPerQuery.exhaustive.postings);
      expect(j.readPerQuery.earlyTermination.bytes).toBeLessThan(j.readPerQuery.exhaustive.bytes);
    });

    it('splits the budget over the shards as the simulator does (at least k a shard), and a budget no shard reaches changes nothing', () => {
      const split = evalJson('workloads/cacm', '--match-budget', '2000', '--shards', '4', '--k', '100');
      expect(split.searcher.budgetPerShard).toBe(500);
      expect(split.earlyTermination.map).toBeLessThan(split.exhaustive.map);
      expect(evalJson('workloads/cacm', '--match-budget', '2000', '--shards', '4').searcher.budgetPerShard).toBe(1000);
      const unreached = evalJson('workloads/cranfield', '--match-budget', '2000');
      expect(unreached.earlyTermination).toEqual(unreached.exhaustive);
    });

    it('with two tiers finds the same documents as one tier (tiers change what is read, never what is found)', () => {
      const one = evalJson('workloads/cacm', '--match-budget', '1000');
      const two = evalJson('workloads/cacm', '--match-budget', '1000', '--first-tier-share', '0.1');
      expect(two.searcher.firstTierShare).toBe(0.1);
      expect(two.earlyTermination).toEqual(one.earlyTermination);
      expect(two.exhaustive).toEqual(one.exhaustive);
    });

    it('prints both rows and the change, with what each read', () => {
      const r = cli('eval', 'workloads/cacm', '--match-budget', '1000', '--threads', '0');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/match budget 1000 \(1000 a shard\), static-rank order \(seed 1\), one tier/);
      expect(r.stdout).toMatch(/measure\s+exhaustive\s+early termination\s+change/);
      expect(r.stdout).toMatch(/MAP\s+0\.3415\s+0\.\d{4}\s+-0\.\d{4}/);
      expect(r.stdout).toMatch(/postings read a query\s+[\d,]+\s+[\d,]+\s+-\d+\.\d %/);
      expect(r.stdout).toMatch(/list bytes read a query/);
    });
  });
});
