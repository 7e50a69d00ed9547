/**
 * Latency recording on HdrHistogram (Gil Tene's High Dynamic Range Histogram; the hdr-histogram-js port).
 * Values are recorded as integer microseconds, so a percentile is exact to 1 us below 2.048 ms and
 * within 0.1 % above (3 significant digits, the default), whatever the range: a 20 us memory read and a
 * 30 s timeout fit in one histogram of bounded size.
 *
 * We use the pure-JavaScript implementation (64-bit float counts, exact to 2^53 per bucket), never the
 * WebAssembly one: it needs no initialisation, no explicit destroy(), and behaves the same everywhere.
 * The mean and the maximum are kept exactly beside the histogram, since HdrHistogram computes its mean
 * from bucket midpoints.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import { SearchsimError, errors, invariant } from '../core/index.ts';

/** Microseconds per millisecond: the recording resolution. */
const US_PER_MS = 1000;
/** The largest latency recorded exactly: 2^53 microseconds. */
const MAX_LATENCY_MS = Number.MAX_SAFE_INTEGER / US_PER_MS;

/** Latency percentiles as plain data. Every figure is in milliseconds; all are 0 when `count` is 0. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  /** The 99.9th percentile. */
  p999: number;
  /** Exact largest recorded value. */
  max: number;
  /** Exact arithmetic mean of the recorded values. */
  mean: number;
  /** Number of recorded values. */
  count: number;
}

export interface LatencyRecorderOptions {
  /** Decimal digits of precision HdrHistogram keeps, 1 to 5. Default 3 (0.1 % relative error). */
  significantDigits?: 1 | 2 | 3 | 4 | 5;
}

const CDF_PERCENTILES = [0, 1, ...Array.from({ length: 19 }, (_, i) => 5 * (i + 1)), 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100];

/** Latency percentiles of The Tail at Scale's Table 1. */
export interface TailQuantiles {
  p50: number;
  p95: number;
  p99: number;
}

export class LatencyRecorder {
  private readonly histogram: Histogram;
  private sumMs = 0;
  private maxMs = 0;
  private recorded = 0;

  constructor(options: LatencyRecorderOptions = {}) {
    const significantDigits = options.significantDigits ?? 3;
    if (!Number.isInteger(significantDigits) || significantDigits < 1 || significantDigits > 5) {
      throw errors.option('significantDigits', 'an integer from 1 to 5', significantDigits);
    }
    this.histogram = build({
      bitBucketSize: 64,
      autoResize: true,
      lowestDiscernibleValue: 1,
      numberOfSignificantValueDigits: significantDigits,
      useWebAssembly: false,
    });
  }

  /** Number of recorded values. */
  get count(): number {
    return this.recorded;
  }

  /** Records one latency in milliseconds (finite, >= 0); stored rounded to the nearest microsecond. */
  record(latencyMs: number): void {
    invariant(latencyMs >= 0 && latencyMs < Infinity, 'LatencyRecorder.record: latency must be finite and >= 0');
    // Integer microseconds are exact in a double only below 2^53 (about 285 years). Only a model run far
    // past its capacity for a long time gets there: that is the user's scenario, not a bug.
    if (latencyMs > MAX_LATENCY_MS) {
      throw new SearchsimError(
        'E_INPUT',
        `a latency of ${latencyMs.toExponential(3)} ms is beyond what the latency histogram records (${MAX_LATENCY_MS.toExponential(3)} ms, about 285 years): the modelled load is far past the cluster's capacity; lower the arrival rate or the service times`,
      );
    }
    this.histogram.recordValue(Math.round(latencyMs * US_PER_MS));
    this.sumMs += latencyMs;
    if (latencyMs > this.maxMs) this.maxMs = latencyMs;
    this.recorded++;
  }

  /**
   * The latency in milliseconds that `percentile` percent of recorded values are at or below
   * (0 <= percentile <= 100); 0 when nothing was recorded. Never above the exact maximum.
   */
  percentileMs(percentile: number): number {
    if (!(percentile >= 0 && percentile <= 100)) {
      invariant(false, `LatencyRecorder.percentileMs: percentile must be in [0, 100], got ${percentile}`);
    }
    if (this.recorded === 0) return 0;
    // HdrHistogram answers with the highest value equivalent to the bucket, which can exceed the largest
    // value actually recorded; clamp so that p99.9 <= max always holds in reports.
    return Math.min(this.histogram.getValueAtPercentile(percentile) / US_PER_MS, this.maxMs);
  }

  /** p50, p90, p99, p99.9, max, mean and count, in milliseconds. */
  /** The percentiles The Tail at Scale's Table 1 reports (NaN when nothing was recorded). */
  tailQuantiles(): TailQuantiles {
    if (this.recorded === 0) return { p50: NaN, p95: NaN, p99: NaN };
    return { p50: this.percentileMs(50), p95: this.percentileMs(95), p99: this.percentileMs(99) };
  }

  summary(): LatencySummary {
    if (this.recorded === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 };
    return {
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      max: this.maxMs,
      mean: this.sumMs / this.recorded,
      count: this.recorded,
    };
  }

  /**
   * The distribution as (percentile, latency) points, denser in the tail where a latency CDF on a log
   * scale needs them: every 5 % to 95 %, then 99, 99.5, 99.9, 99.95, 99.99 and the maximum.
   */
  cdf(): { percentile: number; ms: number }[] {
    if (this.recorded === 0) return [];
    return CDF_PERCENTILES.map((p) => ({ percentile: p, ms: p === 100 ? this.maxMs : this.percentileMs(p) }));
  }

  /** Adds every value recorded by `other` to this recorder (e.g. per-machine into cluster-wide). */
  merge(other: LatencyRecorder): void {
    this.histogram.add(other.histogram);
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
    this.recorded += other.recorded;
  }

  /** Forgets every recorded value (e.g. at the end of a warm-up period). */
  reset(): void {
    this.histogram.reset();
    this.sumMs = 0;
    this.maxMs = 0;
    this.recorded = 0;
  }
}
