import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe('Rng', () => {
  it('replays the same stream for the same seed and a different one for another seed', () => {
    expect(draws(new Rng(42), 100)).toEqual(draws(new Rng(42), 100));
    expect(draws(new Rng(42), 100)).not.toEqual(draws(new Rng(43), 100));
  });

  it('gives unrelated streams for neighbouring seeds (SplitMix64 seeding)', () => {
    const a = draws(new Rng(0), 1000);
    const b = draws(new Rng(1), 1000);
    // Pearson correlation of two independent uniform samples of 1000 is ~N(0, 1/sqrt(1000)).
    const ma = mean(a);
    const mb = mean(b);
    let cov = 0;
    let va = 0;
    let vb = 0;
    for (let i = 0; i < a.length; i++) {
      cov += (a[i] - ma) * (b[i] - mb);
      va += (a[i] - ma) ** 2;
      vb += (b[i] - mb) ** 2;
    }
    expect(Math.abs(cov / Math.sqrt(va * vb))).toBeLessThan(0.1);
  });

  it('draws next() in [0, 1) with mean 1/2 and a uniform spread over ten bins', () => {
    const xs = draws(new Rng(7), 100_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    const bins = new Array<number>(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('draws int(n) in [0, n) hitting every value', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = rng.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
      seen.add(k);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('draws exponential(mean) with the requested mean and P(X > mean) = 1/e', () => {
    const rng = new Rng(11);
    const xs = Array.from({ length: 200_000 }, () => rng.exponential(10));
    expect(Math.abs(mean(xs) / 10 - 1)).toBeLessThan(0.01);
    const overMean = xs.filter((x) => x > 10).length / xs.length;
    expect(Math.abs(overMean - Math.exp(-1))).toBeLessThan(0.005);
  });

  it('draws exponential(1) from the exponential distribution (KS and chi-square over a million draws)', () => {
    const rng = new Rng(17);
    const n = 1_000_000;
    const bins = 1000;
    const cdfs = new Float64Array(n);
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const x = rng.exponential(1);
      min = Math.min(min, x);
      cdfs[i] = 1 - Math.exp(-x); // uniform on [0, 1) if x is exponential(1)
    }
    expect(min).toBeGreaterThanOrEqual(0);
    cdfs.sort();
    let d = 0;
    const counts = new Float64Array(bins);
    for (let i = 0; i < n; i++) {
      d = Math.max(d, cdfs[i] - i / n, (i + 1) / n - cdfs[i]);
      counts[Math.min(bins - 1, Math.floor(cdfs[i] * bins))]++;
    }
    // Kolmogorov-Smirnov at the 0.1 % level: 1.95 / sqrt(n).
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    // Chi-square over 1000 equally likely bins, 999 degrees of freedom: the 0.1 % critical value is about
    // 1143 (Wilson-Hilferty). Finer than KS: it catches a ziggurat that skips its wedge test (about 1260).
    let chiSquare = 0;
    for (const count of counts) chiSquare += (count - n / bins) ** 2 / (n / bins);
    expect(chiSquare).toBeLessThan(1143);
  });

  it('draws the far tail of exponential(1) right: P(X > 8) = e^-8 and, past 8, the excess is exponential(1)', () => {
    // The ziggurat draws x > 7.7 by a separate path; a million-draw KS test barely sees that mass.
    const rng = new Rng(19);
    const n = 4_000_000;
    let tail = 0;
    let excessSum = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.exponential(1);
      if (x > 8) {
        tail++;
        excessSum += x - 8;
      }
    }
    const expected = n * Math.exp(-8); // about 1342, standard deviation about 37
    expect(Math.abs(tail - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(Math.abs(excessSum / tail - 1)).toBeLessThan(0.12); // standard error about 0.027
  });

  it('draws normal() with mean 0 and variance 1', () => {
    const rng = new Rng(5);
    const xs = Array.from({ length: 200_000 }, () => rng.normal());
    const m = mean(xs);
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(mean(xs.map((x) => (x - m) ** 2)) - 1)).toBeLessThan(0.01);
  });

  it('draws lognormal(median, sigma) with that median and mean median * exp(sigma^2 / 2)', () => {
    const rng = new Rng(9);
    const xs = Array.from({ length: 200_000 }, () => rng.lognormal(20, 0.5)).sort((a, b) => a - b);
    expect(Math.abs(xs[xs.length / 2] / 20 - 1)).toBeLessThan(0.01);
    expect(Math.abs(mean(xs) / (20 * Math.exp(0.125)) - 1)).toBeLessThan(0.01);
  });

  it('returns true from chance(p) about p of the time', () => {
    const rng = new Rng(13);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (rng.chance(0.01)) hits++;
    expect(Math.abs(hits / 100_000 - 0.01)).toBeLessThan(0.002);
  });

  it('forks a child that depends on the label and the parent seed, not on draws made before', () => {
    const parent = new Rng(42);
    const before = draws(parent.fork('disk'), 10);
    draws(parent, 1000);
    expect(draws(parent.fork('disk'), 10)).toEqual(before);
    expect(draws(new Rng(42).fork('disk'), 10)).toEqual(before);
    expect(draws(parent.fork('cpu'), 10)).not.toEqual(before);
    expect(draws(parent.fork(1), 10)).not.toEqual(draws(parent.fork('1'), 10));
    expect(draws(new Rng(43).fork('disk'), 10)).not.toEqual(before);
    // A fork is not the parent stream itself, and forks of forks stay distinct.
    expect(draws(parent.fork('disk'), 10)).not.toEqual(draws(new Rng(42), 10));
    expect(draws(parent.fork('a').fork('b'), 10)).not.toEqual(draws(parent.fork('b').fork('a'), 10));
  });

  it('rejects a seed that is not a safe integer, naming the option', () => {
    expect(() => new Rng(1.5)).toThrow('seed must be a safe integer, got 1.5');
  });

  it('rejects a bad distribution parameter as a bug', () => {
    const rng = new Rng(1);
    expect(() => rng.exponential(-1)).toThrow('Rng.exponential: mean must be finite and >= 0, got -1');
    expect(() => rng.int(0)).toThrow('Rng.int: maxExclusive must be an integer in [1, 2^32], got 0');
    expect(() => rng.lognormal(0, 1)).toThrow('Rng.lognormal: median must be finite and > 0, got 0');
  });
});
