/**
 * The one source of randomness in searchsim (STYLE.md habit 2: no `Math.random` anywhere in the
 * simulation). A seed fixes every draw, so the same scenario and seed give byte-identical results.
 *
 * Generator: xoroshiro128+ from pure-rand (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018; period 2^128 - 1). Its state is filled with SplitMix64 output, as Vigna recommends
 * for seeding xoroshiro (https://prng.di.unimi.it/: "we suggest to use a SplitMix64 to initialize the
 * state"), so nearby seeds (0, 1, 2...) still give unrelated streams.
 *
 * Streams: `fork(label)` derives a child stream from the parent's *seed path* and the label only, never
 * from how many numbers the parent has drawn. Each component of a model (a machine, a workload source)
 * forks its own stream, so adding a draw in one component does not shift the draws of any other.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { errors, invariant } from './errors.ts';

const MASK64 = (1n << 64n) - 1n;
/** 2^64 / golden ratio, the SplitMix64 increment (Steele, Lea & Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014). */
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/** SplitMix64's output function (the "mix64variant13" finalizer of Steele, Lea & Flood 2014). */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** 64-bit FNV-1a over UTF-16 code units (Fowler, Noll & Vo; offset basis 14695981039346656037,
 * prime 1099511628211), used only to turn a string label into a number before mixing. */
function fnv1a64(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

// 2^-26 and 2^-53: two draws of 26 and 27 bits make one double with 53 random bits.
const SCALE_26 = 1 / 67108864;
const SCALE_53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

/**
 * Tables of the ziggurat method for the exponential distribution (Marsaglia & Tsang, "The Ziggurat
 * Method for Generating Random Variables", Journal of Statistical Software 5(8), 2000, section 4 and
 * its `zigset`): 256 layers of equal area V under e^-x, the base layer carrying the tail beyond R.
 * R = 7.69711747013104972 and V = 3.949659822581572e-3 are the paper's constants for 256 layers.
 * The tables are built here, as in the paper's code, for a 46-bit magnitude M (see `exponential`):
 * layer i accepts M < EXP_K[i] at once (the point lies in the next, narrower layer, wholly under the
 * curve) and then returns M * EXP_W[i]; EXP_F[i] = e^-x_i for the wedge test of the rare rest.
 */
const EXP_R = 7.69711747013104972;
const EXP_V = 3.949659822581572e-3;
const EXP_M = 2 ** 46;
const EXP_K = new Float64Array(256);
const EXP_W = new Float64Array(256);
const EXP_F = new Float64Array(256);
{
  let x = EXP_R;
  let xOuter = x;
  const baseWidth = EXP_V / Math.exp(-x); // the base layer's rectangle reaches past R (tail area folded in)
  EXP_K[0] = (x / baseWidth) * EXP_M;
  EXP_K[1] = 0;
  EXP_W[0] = baseWidth / EXP_M;
  EXP_W[255] = x / EXP_M;
  EXP_F[0] = 1;
  EXP_F[255] = Math.exp(-x);
  for (let i = 254; i >= 1; i--) {
    x = -Math.log(EXP_V / x + Math.exp(-x));
    EXP_K[i + 1] = (x / xOuter) * EXP_M;
    xOuter = x;
    EXP_F[i] = Math.exp(-x);
    EXP_W[i] = x / EXP_M;
  }
}

/** A bad argument from code inside searchsim (user input is validated at the boundary): a bug. Kept out
 * of line so the hot draw methods do not build the message unless the check fails. */
function badArgument(what: string, expected: string, got: number): never {
  invariant(false, `${what} must be ${expected}, got ${got}`);
}

export class Rng {
  /** 64-bit identity of this stream: a function of the root seed and the fork labels leading here. */
  private key = 0n;
  private gen!: JumpableRandomGenerator;
  /** Second value of the last Box-Muller pair, consumed by the next `normal()`. */
  private spareNormal = 0;
  private hasSpareNormal = false;

  /** @param seed any safe integer (negative allowed); the same seed always gives the same stream. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw errors.option('seed', 'a safe integer', seed);
    this.reset(BigInt.asUintN(64, BigInt(seed)));
  }

  /** Makes this the stream with identity `key`, from its first draw. */
  private reset(key: bigint): void {
    this.key = key;
    this.hasSpareNormal = false;
    // Two consecutive SplitMix64 outputs fill the 128-bit state. pure-rand's state layout is
    // [s0 high, s0 low, s1 high, s1 low] as 32-bit words.
    const s0 = mix64((key + GOLDEN_GAMMA) & MASK64);
    const s1 = mix64((key + 2n * GOLDEN_GAMMA) & MASK64);
    // The all-zero state is xoroshiro's one fixed point. mix64 is a bijection, so two different inputs
    // cannot both give zero; the check documents the requirement.
    invariant(s0 !== 0n || s1 !== 0n, 'xoroshiro128+ state must not be all zero');
    this.gen = xoroshiro128plusFromState([
      Number(s0 >> 32n) | 0,
      Number(s0 & 0xffffffffn) | 0,
      Number(s1 >> 32n) | 0,
      Number(s1 & 0xffffffffn) | 0,
    ]);
  }

  /**
   * Uniform in [0, 1), a multiple of 2^-53. pure-rand's xoroshiro128+ returns the low 32 bits of the
   * 64-bit sum, and the lowest bits of a "+" scrambler have low linear complexity (Blackman & Vigna
   * 2018), so we keep the top 26 and 27 bits of two outputs rather than the bottom ones.
   */
  next(): number {
    const high26 = this.gen.next() >>> 6;
    const low27 = this.gen.next() >>> 5;
    return high26 * SCALE_26 + low27 * SCALE_53;
  }

  /**
   * Integer in [0, maxExclusive). Uses floor(next() * max): the bias is below max / 2^53 per value,
   * far under anything a simulation can measure for max < 2^32.
   */
  int(maxExclusive: number): number {
    if (!(Number.isInteger(maxExclusive) && maxExclusive >= 1 && maxExclusive <= 0x100000000)) {
      badArgument('Rng.int: maxExclusive', 'an integer in [1, 2^32]', maxExclusive);
    }
    return Math.floor(this.next() * maxExclusive);
  }

  /** True with probability `p` (0 <= p <= 1). */
  chance(p: number): boolean {
    if (!(p >= 0 && p <= 1)) badArgument('Rng.chance: p', 'in [0, 1]', p);
    return this.next() < p;
  }

  /**
   * Exponentially distributed with the given mean, by the ziggurat method (Marsaglia & Tsang 2000; see
   * EXP_K). Why not inverse transform (-mean ln(1 - U)): a logarithm is a call into C on every draw, and
   * exponential draws are the simulation's hottest arithmetic (every Poisson arrival and exponential
   * service): 15 ns a draw against 5.5 ns, and 60 -> 44 ns an event on the hold model
   * (benchmarks/sim-vs-simpy.ts). About 99 % of draws take the fast path: two generator outputs, one
   * compare, one multiply.
   *
   * Bits: the top 27 of each 32-bit output (as in `next`): 8 pick the layer and 46 make the magnitude,
   * disjoint, so the layer and the point within it are independent (Doornik, "An Improved Ziggurat
   * Method to Generate Normal Random Samples", 2005, on the original's shared bits).
   */
  exponential(mean: number): number {
    if (!(mean >= 0 && mean < Infinity)) badArgument('Rng.exponential: mean', 'finite and >= 0', mean);
    const high = this.gen.next() >>> 5;
    const low = this.gen.next() >>> 5;
    const layer = high >>> 19;
    const magnitude = (high & 0x7ffff) * 134217728 + low; // 19 bits * 2^27 + 27 bits
    if (magnitude < EXP_K[layer]) return mean * (magnitude * EXP_W[layer]);
    return mean * this.exponentialSlow(layer, magnitude);
  }

  /** The ziggurat's rare cases (Marsaglia & Tsang's `efix`): the tail beyond R, or a wedge test. */
  private exponentialSlow(layer: number, magnitude: number): number {
    for (;;) {
      // Base layer past R: the tail, R + Exp(1) by memorylessness; log1p(-U), U in [0, 1), is finite.
      if (layer === 0) return EXP_R - Math.log1p(-this.next());
      const x = magnitude * EXP_W[layer];
      // Between layer - 1's edge and this layer's: accept if under the curve e^-x.
      if (EXP_F[layer] + this.next() * (EXP_F[layer - 1] - EXP_F[layer]) < Math.exp(-x)) return x;
      const high = this.gen.next() >>> 5;
      const low = this.gen.next() >>> 5;
      layer = high >>> 19;
      magnitude = (high & 0x7ffff) * 134217728 + low;
      if (magnitude < EXP_K[layer]) return magnitude * EXP_W[layer];
    }
  }

  /** Standard normal N(0, 1) by the Box-Muller transform (Box & Muller 1958); pairs are cached. */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    const u1 = 1 - this.next(); // in (0, 1], so the logarithm is finite
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(TWO_PI * u2);
    this.hasSpareNormal = true;
    return radius * Math.cos(TWO_PI * u2);
  }

  /**
   * Log-normal with the given median and shape `sigma` (the standard deviation of the underlying
   * normal): median * exp(sigma * N(0, 1)). Its mean is median * exp(sigma^2 / 2).
   */
  lognormal(median: number, sigma: number): number {
    if (!(median > 0 && median < Infinity)) badArgument('Rng.lognormal: median', 'finite and > 0', median);
    if (!(sigma >= 0 && sigma < Infinity)) badArgument('Rng.lognormal: sigma', 'finite and >= 0', sigma);
    return median * Math.exp(sigma * this.normal());
  }

  /**
   * An independent child stream named by `label`. The child depends only on this stream's identity
   * (root seed and fork path) and the label: forking is repeatable at any point of a run, and the
   * labels 1 and "1" give different streams. A string label is hashed with 64-bit FNV-1a; a number
   * label must be a safe integer.
   */
  fork(label: string | number): Rng {
    let labelWord: bigint;
    if (typeof label === 'number') {
      if (!Number.isSafeInteger(label)) badArgument('Rng.fork: a number label', 'a safe integer', label);
      labelWord = mix64(BigInt.asUintN(64, BigInt(label)) ^ 0x6e756d626572n); // tag "number"
    } else {
      labelWord = mix64(fnv1a64(label) ^ 0x737472696e67n); // tag "string"
    }
    const child = new Rng(0);
    child.reset(mix64((this.key * GOLDEN_GAMMA + labelWord + GOLDEN_GAMMA) & MASK64));
    return child;
  }
}
