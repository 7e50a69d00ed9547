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
