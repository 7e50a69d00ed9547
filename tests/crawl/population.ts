import { Rng } from '../../src/core/index.ts';
import { type PagePopulation, pagePopulation, staticRankImportance, zipfChangeRates, zipfLaw } from '../../src/crawl/index.ts';

const DAY_S = 86_400;

/**
 * A seeded population like a preset's: `pages` pages changing on average `changesPerPagePerDay` times a
 * day, Zipf-skewed (exponent 1, as the presets' streams), importance by the static-rank prior.
 */
export function seededPopulation(pages: number, seed = 7, changesPerPagePerDay = 0.2): PagePopulation {
  const ids = Array.from({ length: pages }, (_, i) => `p${i}`);
  const rates = zipfChangeRates(zipfLaw(pages, 1, new Rng(seed).fork('changes')), (pages * changesPerPagePerDay) / DAY_S);
  return pagePopulation(ids, rates, staticRankImportance(ids, seed));
}

/** `pages` identical pages changing `changesPerS` a second, equally important. */
export function identicalPages(pages: number, changesPerS: number): PagePopulation {
  const ids = Array.from({ length: pages }, (_, i) => `p${i}`);
  return pagePopulation(ids, new Float64Array(pages).fill(changesPerS), new Float64Array(pages).fill(1 / pages));
}

export { DAY_S };
