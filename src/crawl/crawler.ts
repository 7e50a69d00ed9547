import { type Rng, errors } from '../core/index.ts';
import type { CrawlPlan } from './policies.ts';
import type { PagePopulation } from './population.ts';

/** What the crawl simulation tells whoever plays its fetches into an update stream. */
export interface CrawlObserver {
  /** Fetches after this time are told to `fetch`; the copy each page held then to `base`. */
  readonly fromS: number;
  /** The copy page `page` held at `fromS`: stale from `staleFromS` on (Infinity: fresh for ever, -Infinity: never fresh). */
  base(page: number, staleFromS: number): void;
  /** A fetch at `tS`; `changed`: the page had changed since the previous one; the new copy is stale from `staleFromS`. */
  fetch(page: number, tS: number, changed: boolean, staleFromS: number): void;
}

export interface CrawlSpan {
  /** The crawl is simulated to this time (seconds); it starts in its steady state before `fromS` (see below). */
  toS: number;
  /** The window the figures average over. */
  measureFromS: number;
  measureToS: number;
  /** Share of each page's changes announced by a hint (a sitemap). */
  hintShare: number;
  /** From an announced change to the fetch it triggers. */
  hintDelayS: number;
  observer?: CrawlObserver;
}

/**
 * Freshness and age as Cho and Garcia-Molina define them (TODS 2003, section 3), averaged over the
 * window and the pages; fetches counted in the window.
 */
export interface CrawlFigures {
  /** Mean over pages of the share of the window each page's copy was fresh. */
  freshness: number;
  /** The same, each page weighted by its importance. */
  importanceWeightedFreshness: number;
  /** Mean over the pages ever fetched of their copy's time-averaged age (seconds). */
  meanAgeS: number;
  /** Pages that change but are never fetched: their age grows without bound (left out of meanAgeS). */
  neverRefreshed: number;
  fetches: number;
  /** Fetches that found the page unchanged since the previous fetch. */
  wastedFetches: number;
  hintFetches: number;
}

/** Per-page state of the simulation: the copy, the next changes, what the window saw. */
interface PageState {
  lastFetchS: number;
  /** The next announced (and followed) change, and the next other change, after the last fetch. */
  announcedS: number;
  otherS: number;
  freshS: number;
  ageIntegral: number;
}

/**
 * Simulates a crawl plan on a population: each page changes as a Poisson process, is fetched at a fixed
 * interval of 1 / rate from a seeded phase, and (with hints) fetched `hintDelayS` after the first
 * followed announced change since its last fetch. Only the first change after each fetch is drawn (by
 * memorylessness, the rest of a Poisson process after a fetch is independent of what came before), so
 * the work is one draw per fetch whatever a page's change rate. Each page starts at its last scheduled
 * fetch before the window and the observer's `fromS`; a page refreshed by hints alone starts at a
 * hinted fetch an exponential time back (its steady state, but for the delay). Deterministic per seed:
 * page i draws from `rng.fork(i)`.
 */
export function simulateCrawl(pages: PagePopulation, plan: CrawlPlan, span: CrawlSpan, rng: Rng): CrawlFigures {
  if (!(span.measureToS > span.measureFromS && span.toS >= span.measureToS)) throw errors.option('measure window', 'a nonempty window within the crawl', [span.measureFromS, span.measureToS, span.toS]);
  const out: CrawlFigures = { freshness: 0, importanceWeightedFreshness: 0, meanAgeS: 0, neverRefreshed: 0, fetches: 0, wastedFetches: 0, hintFetches: 0 };
  const windowS = span.measureToS - span.measureFromS;
  const startS = Math.min(span.measureFromS, span.observer?.fromS ?? Infinity);
  let aged = 0;
  for (let i = 0; i < pages.ids.length; i++) {
    const s = simulatePage(pages.changesPerS[i], plan.fetchesPerS[i], plan.followHintShare * span.hintShare, i, startS, span, out, rng.fork(i));
    const fresh = s.freshS / windowS;
    out.freshness += fresh;
    out.importanceWeightedFreshness += pages.importance[i] * fresh;
    if (Number.isFinite(s.ageIntegral)) {
      out.meanAgeS += s.ageIntegral / windowS;
      aged++;
    } else out.neverRefreshed++;
  }
  out.freshness /= Math.max(1, pages.ids.length);
  out.meanAgeS /= Math.max(1, aged);
  return out;
}

/** Adds the fresh time and age in the window of the copy fetched at `s.lastFetchS`, stale from `staleS`, held until `toS`. */
function measure(s: PageState, staleS: number, toS: number, span: CrawlSpan): void {
  const a = Math.max(s.lastFetchS, span.measureFromS);
  const b = Math.min(toS, span.measureToS);
  if (!(b > a)) return;
  s.freshS += Math.max(0, Math.min(b, staleS) - a);
  // Age grows from the first missed change: the integral of (t - staleS) over [max(a, staleS), b].
  const from = Math.max(a, staleS);
  if (b > from) s.ageIntegral += staleS === -Infinity ? Infinity : ((b - staleS) ** 2 - (from - staleS) ** 2) / 2;
}

function simulatePage(lambda: number, fetchesPerS: number, followShare: number, page: number, startS: number, span: CrawlSpan, out: CrawlFigures, rng: Rng): PageState {
  const hintedPerS = lambda * followShare;
  const otherPerS = lambda - hintedPerS;
  const next = (fromS: number, ratePerS: number): number => (ratePerS > 0 ? fromS + rng.exponential(1 / ratePerS) : Infinity);
  const intervalS = fetchesPerS > 0 ? 1 / fetchesPerS : Infinity;
  let scheduledS = Infinity;
  let lastFetchS = -Infinity;
  if (fetchesPerS > 0) {
    // The last scheduled fetch at or before startS, on a grid of seeded phase.
    const phaseS = rng.next() * intervalS;
    lastFetchS = phaseS + Math.floor((startS - phaseS) / intervalS) * intervalS;
    scheduledS = lastFetchS + intervalS;
  }
  if (hintedPerS > 0) lastFetchS = Math.max(lastFetchS, startS - next(0, hintedPerS));
  const s: PageState = { lastFetchS, announcedS: Infinity, otherS: Infinity, freshS: 0, ageIntegral: 0 };
  if (lastFetchS > -Infinity) {
    s.announcedS = next(lastFetchS, hintedPerS);
    s.otherS = next(lastFetchS, otherPerS);
  } else if (lambda > 0) s.otherS = -Infinity;
  const obs = span.observer;
  let told = obs === undefined;
  for (;;) {
    const staleS = Math.min(s.announcedS, s.otherS);
    const hintS = s.announcedS + span.hintDelayS;
    const tS = Math.min(scheduledS, hintS);
    if (!told && tS > obs!.fromS) {
      obs!.base(page, staleS);
      told = true;
    }
    if (!(tS <= span.toS)) {
      measure(s, staleS, span.toS, span);
      return s;
    }
    measure(s, staleS, tS, span);
    const changed = staleS <= tS;
    const hinted = hintS <= scheduledS;
    if (tS >= span.measureFromS && tS < span.measureToS) {
      out.fetches++;
      if (!changed) out.wastedFetches++;
      if (hinted) out.hintFetches++;
    }
    if (hinted) s.announcedS = Infinity;
    else scheduledS += intervalS;
    s.lastFetchS = tS;
    if (s.announcedS <= tS || s.announcedS === Infinity) s.announcedS = next(tS, hintedPerS);
    if (s.otherS <= tS) s.otherS = next(tS, otherPerS);
    if (told && obs && tS > obs.fromS) obs.fetch(page, tS, changed, Math.min(s.announcedS, s.otherS));
  }
}
