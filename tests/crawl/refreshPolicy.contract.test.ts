import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/index.ts';
import { REFRESH_POLICIES, pagePopulation, refreshPolicy, simulateCrawl, type PagePopulation } from '../../src/crawl/index.ts';
import { DAY_S, seededPopulation } from './population.ts';

const pages = seededPopulation(500);
const total = (a: Float64Array) => a.reduce((s, x) => s + x, 0);

/** A small random population: rates and importances drawn by fast-check, importance normalised. */
const population = fc
  .array(fc.tuple(fc.double({ min: 0, max: 1e-3, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 30 })
  .filter((xs) => xs.some(([, w]) => w > 0))
  .map((xs): PagePopulation => {
    const sum = xs.reduce((a, [, w]) => a + w, 0);
    return pagePopulation(
      xs.map((_, i) => `d${i}`),
      Float64Array.from(xs.map(([l]) => l)),
      Float64Array.from(xs.map(([, w]) => w / sum)),
    );
  });

/** The refresh-policy seam's contract: every policy through the same properties. */
describe.each(REFRESH_POLICIES)('RefreshPolicy contract: %s', (name) => {
  const policy = refreshPolicy(name);

  it('never plans more fetches a second than the budget, hints included', () => {
    fc.assert(
      fc.property(population, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (p, budget, hintShare) => {
        const plan = policy.plan(p, budget, hintShare);
        expect(total(plan.fetchesPerS) + plan.hintFetchesPerS).toBeLessThanOrEqual(budget * (1 + 1e-9) + 1e-15);
      }),
    );
  });

  it('gives every page a finite refresh rate >= 0, and follows a share of hints from 0 to 1', () => {
    fc.assert(
      fc.property(population, fc.double({ min: 0, max: 1, noNaN: true }), (p, budget) => {
        const plan = policy.plan(p, budget, 0.3);
        expect(plan.fetchesPerS).toHaveLength(p.ids.length);
        for (const f of plan.fetchesPerS) expect(f >= 0 && Number.isFinite(f)).toBe(true);
        expect(plan.followHintShare).toBeGreaterThanOrEqual(0);
        expect(plan.followHintShare).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('spends the whole budget on a population that changes', () => {
    const budget = pages.ids.length / (7 * DAY_S);
    const plan = policy.plan(pages, budget, 0.2);
    expect(total(plan.fetchesPerS) + plan.hintFetchesPerS).toBeCloseTo(budget, 12);
  });

  it('plans nothing with a budget of 0', () => {
    const plan = policy.plan(pages, 0, 0.2);
    expect(total(plan.fetchesPerS) + plan.hintFetchesPerS).toBe(0);
  });

  it('is deterministic: the same population, budget and seed give the same plan and the same figures', () => {
    const budget = pages.ids.length / (3 * DAY_S);
    const run = () => {
      const plan = policy.plan(pages, budget, 0.2);
      const span = { toS: 10 * DAY_S, measureFromS: 0, measureToS: 10 * DAY_S, hintShare: 0.2, hintDelayS: 60 };
      return { plan: [...plan.fetchesPerS], figures: simulateCrawl(pages, plan, span, new Rng(3)) };
    };
    expect(run()).toEqual(run());
  });

  it('spends about its planned budget when simulated, and keeps some pages fresh', () => {
    const budget = pages.ids.length / (2 * DAY_S);
    const plan = policy.plan(pages, budget, 0.2);
    const days = 20;
    const f = simulateCrawl(pages, plan, { toS: days * DAY_S, measureFromS: 0, measureToS: days * DAY_S, hintShare: 0.2, hintDelayS: 0 }, new Rng(5));
    // Hinted fetches are fewer than planned only when announced changes fall in one interval.
    expect(f.fetches / (days * DAY_S)).toBeLessThanOrEqual(budget * 1.05);
    expect(f.fetches / (days * DAY_S)).toBeGreaterThan(budget * 0.8);
    expect(f.freshness).toBeGreaterThan(0);
    expect(f.wastedFetches).toBeLessThanOrEqual(f.fetches);
  });
});
