/**
 * Closed forms the kernel is checked against (docs/DESIGN.md section 7). Service rate mu = 1 / serviceMs,
 * arrival rate lambda, c servers, offered load a = lambda / mu, utilisation rho = a / c.
 * Source for all three: L. Kleinrock, Queueing Systems, Volume 1: Theory (Wiley, 1975), sections 3.2
 * (M/M/1) and 3.5 (M/M/m, the Erlang C formula), and chapter 5 (M/G/1, the Pollaczek-Khinchine
 * mean-value formula).
 */

/** M/M/1 mean response time: W = 1 / (mu - lambda) = S / (1 - rho). */
export function mm1ResponseMs(serviceMs: number, rho: number): number {
  return serviceMs / (1 - rho);
}

/**
 * Erlang C: the probability that an arrival to M/M/c must wait,
 * C(c, a) = (a^c / c!) (c / (c - a)) / (sum_{k=0}^{c-1} a^k / k! + (a^c / c!) (c / (c - a))).
 */
export function erlangC(servers: number, offeredLoad: number): number {
  let term = 1; // a^k / k!
  let sum = 0;
  for (let k = 0; k < servers; k++) {
    sum += term;
    term *= offeredLoad / (k + 1);
  }
  const waiting = term * (servers / (servers - offeredLoad));
  return waiting / (sum + waiting);
}

/** M/M/c mean response time: W = C(c, a) / (c mu - lambda) + 1 / mu. */
export function mmcResponseMs(serviceMs: number, servers: number, rho: number): number {
  const offeredLoad = rho * servers;
  const lambdaPerMs = offeredLoad / serviceMs;
  return erlangC(servers, offeredLoad) / (servers / serviceMs - lambdaPerMs) + serviceMs;
}

/** M/D/1 mean response time from Pollaczek-Khinchine with E[S^2] = S^2: W = S + rho S / (2 (1 - rho)). */
export function md1ResponseMs(serviceMs: number, rho: number): number {
  return serviceMs + (rho * serviceMs) / (2 * (1 - rho));
}
