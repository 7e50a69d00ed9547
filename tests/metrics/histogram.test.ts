import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { LatencyRecorder } from '../../src/metrics/index.ts';
import type { SearchsimError } from '../../src/core/index.ts';

/**
 * Exact percentile of a sorted sample by nearest rank, ceil(p/100 * n), HdrHistogram's definition. Like
 * HdrHistogram we forgive floating-point excess before rounding up (99.9 / 100 * 1e5 is 99900.00000000001).
 */
function nearestRank(sorted: number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length - 1e-6));
  return sorted[rank - 1];
}

describe('LatencyRecorder', () => {
  it('summarises an empty recorder as zeros with count 0', () => {
    expect(new LatencyRecorder().summary()).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
  });

  it('keeps microsecond resolution below 2 ms and an exact mean and max', () => {
    const recorder = new LatencyRecorder();
    for (const ms of [0.001, 0.25, 1.5, 1.999]) recorder.record(ms);
    const summary = recorder.summary();
    expect(summary.p50).toBe(0.25);
    expect(summary.max).toBe(1.999);
    expect(summary.mean).toBeCloseTo((0.001 + 0.25 + 1.5 + 1.999) / 4, 12);
    expect(summary.count).toBe(4);
  });

  it('reports percentiles within 0.1 % of the exact sample percentiles, from microseconds to minutes', () => {
    const rng = new Rng(1);
    const values = Array.from({ length: 100_000 }, () => rng.lognormal(5, 2)); // ~0.01 ms to ~10 s
    const recorder = new LatencyRecorder();
    for (const v of values) recorder.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    const summary = recorder.summary();
    for (const [key, p] of [['p50', 50], ['p90', 90], ['p99', 99], ['p999', 99.9]] as const) {
      const exact = nearestRank(sorted, p);
      // Rounding to whole microseconds adds up to 0.5 us on top of HdrHistogram's 3 significant digits.
      expect(Math.abs(summary[key] - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.0005);
    }
    expect(summary.max).toBe(sorted[sorted.length - 1]);
    expect(summary.p999).toBeLessThanOrEqual(summary.max);
  });

  it('merges another recorder as if every value had been recorded here', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    const both = new LatencyRecorder();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 === 0 ? a : b).record(i / 10);
      both.record(i / 10);
    }
    a.merge(b);
    expect(a.summary()).toEqual(both.summary());
  });

  it('forgets everything on reset()', () => {
    const recorder = new LatencyRecorder();
    recorder.record(5);
    recorder.reset();
    expect(recorder.count).toBe(0);
    recorder.record(2);
    expect(recorder.summary().max).toBe(2);
  });

  it('gives the same summary for the same values (no WebAssembly, no hidden state)', () => {
    const run = () => {
      const rng = new Rng(3);
      const recorder = new LatencyRecorder();
      for (let i = 0; i < 10_000; i++) recorder.record(rng.exponential(12));
      return recorder.summary();
    };
    expect(run()).toEqual(run());
  });

  it('records latencies up to 285 years exactly, and refuses a longer one as a user mistake (exit 2)', () => {
    const recorder = new LatencyRecorder();
    recorder.record(9e12);
    recorder.record(1);
    expect(recorder.summary()).toMatchObject({ max: 9e12, p99: 9e12, count: 2 });
    const tooLong = (() => {
      try {
        recorder.record(1e13);
      } catch (e) {
        return e as SearchsimError;
      }
    })();
    expect(tooLong?.isUserError).toBe(true);
    expect(tooLong?.message).toMatch(/a latency of 1\.000e\+13 ms is beyond what the latency histogram records .*lower the arrival rate or the service times/);
  });

  it('rejects a negative latency, a bad percentile and a bad precision', () => {
    const recorder = new LatencyRecorder();
    expect(() => recorder.record(-1)).toThrow('LatencyRecorder.record: latency must be finite and >= 0');
    expect(() => recorder.percentileMs(101)).toThrow(
      'LatencyRecorder.percentileMs: percentile must be in [0, 100], got 101',
    );
    expect(() => new LatencyRecorder({ significantDigits: 6 as never })).toThrow(
      'significantDigits must be an integer from 1 to 5, got 6',
    );
  });
});
