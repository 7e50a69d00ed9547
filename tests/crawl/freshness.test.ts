import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/index.ts';
import { expectedAgeS, expectedFreshness, optimalPolicy, proportionalPolicy, simulateCrawl, uniformPolicy, importanceOptimalPolicy, type CrawlPlan } from '../../src/crawl/index.ts';
import { DAY_S, identicalPages, seededPopulation } from './population.ts';

const everyS = (pages: number, intervalS: number): CrawlPlan => ({ fetchesPerS: new Float64Array(pages).fill(1 / intervalS), followHintShare: 0, hintFetchesPerS: 0 });
const window = (days: number) => ({ toS: days * DAY_S, measureFromS: 0, measureToS: days * DAY_S, hintShare: 0, hintDelayS: 0 });

describe('freshness of a page refreshed at a fixed interval (Cho and Garcia-Molina 2003)', () => {
  it.each([0.1, 0.5, 1, 2, 5])('simulated freshness matches (1 - exp(-lambda I)) / (lambda I) within 1 point, lambda I = %s', (r) => {
    const intervalS = DAY_S;
    const lambda = r / intervalS;
    const pages = identicalPages(400, lambda);
    const f = simulateCrawl(pages, everyS(400, intervalS), window(50), new Rng(11));
    const expected = (1 - Math.exp(-lambda * intervalS)) / (lambda * intervalS);
    expect(Math.abs(f.freshness - expected)).toBeLessThan(0.01);
    expect(expectedFreshness(lambda, 1 / intervalS)).toBeCloseTo(expected, 12);
    // Age: I (1/2 - 1/r + (1 - e^-r) / r^2), within 3 % of the interval.
    expect(Math.abs(f.meanAgeS - expectedAgeS(lambda, 1 / intervalS))).toBeLessThan(0.03 * intervalS);
  });

  it('counts a fetch as wasted when the page had not changed, e^-(lambda I) of the fetches', () => {
    const lambda = 0.7 / DAY_S;
    const f = simulateCrawl(identicalPages(300, lambda), everyS(300, DAY_S), window(40), new Rng(2));
    expect(f.fetches).toBeGreaterThan(300 * 39);
    expect(f.wastedFetches / f.fetches).toBeCloseTo(Math.exp(-0.7), 1);
  });

  it('keeps a page that never changes fresh, with every fetch wasted, and one never fetched stale', () => {
    expect(simulateCrawl(identicalPages(3, 0), everyS(3, DAY_S), window(5), new Rng(1))).toMatchObject({ freshness: 1, meanAgeS: 0, neverRefreshed: 0 });
    const never = simulateCrawl(identicalPages(3, 1 / DAY_S), everyS(3, Infinity), window(5), new Rng(1));
    expect(never).toMatchObject({ freshness: 0, neverRefreshed: 3, fetches: 0 });
  });

  it('closed forms: freshness 1 and age 0 at lambda 0; freshness falls and age rises as lambda I grows', () => {
    expect(expectedFreshness(0, 1)).toBe(1);
    expect(expectedAgeS(0, 1)).toBe(0);
    expect(expectedFreshness(1, 0)).toBe(0);
    expect(expectedAgeS(1, 0)).toBe(Infinity);
    const rs = [1e-8, 1e-3, 0.1, 1, 10, 100];
    const fs = rs.map((r) => expectedFreshness(r, 1));
    const as = rs.map((r) => expectedAgeS(r, 1));
    for (let i = 1; i < rs.length; i++) {
      expect(fs[i]).toBeLessThan(fs[i - 1]);
      expect(as[i]).toBeGreaterThan(as[i - 1]);
    }
    // Large r: freshness 1/r, age about I/2 (the copy is stale almost at once).
    expect(expectedFreshness(100, 1)).toBeCloseTo(0.01, 6);
    expect(expectedAgeS(1e6, 1)).toBeCloseTo(0.5, 5);
  });
});

describe('refresh policies on a seeded population', () => {
  const pages = seededPopulation(3000);
  // A budget that refreshes each page once a week on average.
  const budget = pages.ids.length / (7 * DAY_S);
  const figures = (plan: CrawlPlan) => simulateCrawl(pages, plan, window(30), new Rng(9));

  it('uniform refresh beats refresh proportional to change rate on average freshness, as Cho and Garcia-Molina found', () => {
    const uniform = figures(uniformPolicy.plan(pages, budget, 0));
    const proportional = figures(proportionalPolicy.plan(pages, budget, 0));
    expect(uniform.freshness).toBeGreaterThan(proportional.freshness + 0.05);
  });

  it('the optimum beats uniform on average freshness, and leaves the fastest-changing pages unrefreshed', () => {
    const plan = optimalPolicy.plan(pages, budget, 0);
    expect(figures(plan).freshness).toBeGreaterThan(figures(uniformPolicy.plan(pages, budget, 0)).freshness);
    const fastest = pages.changesPerS.indexOf(Math.max(...pages.changesPerS));
    expect(plan.fetchesPerS[fastest]).toBe(0);
  });

  it('the importance-weighted optimum beats uniform on importance-weighted freshness', () => {
    const weighted = figures(importanceOptimalPolicy.plan(pages, budget, 0));
    const uniform = figures(uniformPolicy.plan(pages, budget, 0));
    expect(weighted.importanceWeightedFreshness).toBeGreaterThan(uniform.importanceWeightedFreshness + 0.02);
  });
});
