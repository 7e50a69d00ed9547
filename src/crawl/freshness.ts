/**
 * Freshness and age of a local copy refreshed at a fixed interval, as Cho and Garcia-Molina define them
 * ("Effective page refresh policies for Web crawlers", ACM TODS 28(4), 2003, section 3): a copy is fresh
 * while the page has not changed since it was fetched; its age is 0 while fresh, else the time since the
 * first change it missed. The page changes as a Poisson process of rate lambda and is fetched every
 * I = 1 / f; r = lambda I is the changes the page makes between two fetches.
 */

/** Expected freshness, time-averaged: F = (1 - e^-r) / r (Cho and Garcia-Molina 2003, fixed order). */
export function expectedFreshness(changesPerS: number, fetchesPerS: number): number {
  if (changesPerS === 0) return 1;
  if (fetchesPerS === 0) return 0;
  const r = changesPerS / fetchesPerS;
  // Below 1e-6 the closed form loses digits to cancellation; its series 1 - r/2 + r^2/6 does not.
  return r < 1e-6 ? 1 - r / 2 + (r * r) / 6 : -Math.expm1(-r) / r;
}

/**
 * Expected age in seconds, time-averaged: A = I (1/2 - 1/r + (1 - e^-r) / r^2) (the same paper and
 * policy). A page never fetched that changes has an unbounded age: Infinity.
 */
export function expectedAgeS(changesPerS: number, fetchesPerS: number): number {
  if (changesPerS === 0) return 0;
  if (fetchesPerS === 0) return Infinity;
  const intervalS = 1 / fetchesPerS;
  const r = changesPerS * intervalS;
  // Series for small r (the three terms cancel): r/6 - r^2/24.
  return intervalS * (r < 1e-4 ? r / 6 - (r * r) / 24 : 0.5 - 1 / r - Math.expm1(-r) / (r * r));
}

/**
 * The marginal freshness of one more fetch a second, dF/df = (1 - (1 + r) e^-r) / lambda: the quantity
 * the optimum equalises over the pages it refreshes. Its numerator, g(r) = 1 - (1 + r) e^-r, rises from 0
 * to 1; at f = 0 (r infinite) the marginal gain is 1 / lambda.
 */
export function marginalNumerator(r: number): number {
  return r < 1e-4 ? (r * r) / 2 - (r * r * r) / 3 : -Math.expm1(-r) - r * Math.exp(-r);
}

/** The r with g(r) = y, for y in (0, 1): safeguarded Newton inside a bracket (g' = r e^-r). */
export function inverseMarginal(y: number): number {
  let lo = 0;
  let hi = 1;
  while (marginalNumerator(hi) < y) hi *= 2;
  let r = Math.min(hi, Math.max(Math.sqrt(2 * y), -Math.log1p(-y)));
  for (let i = 0; i < 100; i++) {
    const g = marginalNumerator(r) - y;
    if (g < 0) lo = r;
    else hi = r;
    const slope = r * Math.exp(-r);
    let next = slope > 0 ? r - g / slope : (lo + hi) / 2;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - r) <= 1e-13 * r) return next;
    r = next;
  }
  return r;
}
