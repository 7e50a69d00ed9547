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
});
