import { LRUCache } from 'lru-cache';
import { invariant } from '../core/index.ts';

/**
 * A machine's buffer cache of posting lists: least-recently-used, sized in bytes. The seam has two
 * implementations with one contract (tests/cluster/bufferCache.contract.test.ts: the same hits and misses
 * for any sequence of requests):
 * - `LruCacheBuffer`, on the lru-cache package: the reference;
 * - `ByteLru`, integer keys in typed arrays: the simulator's hot path (a disk-mode leaf looks up each of
 *   its lists), about 5x faster than the reference in the end-to-end benchmark (benchmarks/README.md).
 *
 * A list larger than the whole cache is never kept (and drops an older copy), as lru-cache does.
 */
export interface BufferCache {
  /** True, and marks the key most recently used, when the list is cached. */
  get(key: number): boolean;
  /** Caches a list of `bytes` (>= 1), evicting the least recently used until it fits. */
  set(key: number, bytes: number): void;
  /** A read of the list: true on a hit (now most recent); on a miss, caches it (as `set`). */
  access(key: number, bytes: number): boolean;
  /** Bytes cached for the key (0 when absent); does not count as a use. */
  sizeOf(key: number): number;
  readonly sizeBytes: number;
}

/**
 * A read of the first `bytes` of a list: a hit (now most recent) when the cache holds at least that
 * much of it; otherwise the longer prefix is read and cached in place of the shorter one.
 */
export function accessPrefix(cache: BufferCache, key: number, bytes: number): boolean {
  const have = cache.sizeOf(key);
  if (have >= bytes) return cache.get(key);
  cache.set(key, bytes);
  return false;
}

export class LruCacheBuffer implements BufferCache {
  private readonly cache: LRUCache<number, number>;
  constructor(maxBytes: number) {
    this.cache = new LRUCache<number, number>({ maxSize: maxBytes });
  }
  get(key: number): boolean {
    return this.cache.get(key) !== undefined;
  }
  access(key: number, bytes: number): boolean {
    if (this.get(key)) return true;
    this.set(key, bytes);
    return false;
  }
  set(key: number, bytes: number): void {
    // The value is the size: lru-cache keeps the old size when a key is set again to an identical value.
    this.cache.set(key, bytes, { size: bytes });
  }
  sizeOf(key: number): number {
    return this.cache.peek(key) ?? 0;
  }
  get sizeBytes(): number {
    return this.cache.calculatedSize;
  }
}

const EMPTY = -1;

// Hash-table entries are 8 bytes, two int32 words: KEY and STAMP; sizes sit in a parallel array, read
// only when a list is evicted or resized, so the lines a lookup touches carry nothing else.
const ENTRY_I32 = 2;
const KEY = 0;
const STAMP = 1;
const MIN_LOG_PAIRS = 32;

/**
 * Exact LRU over non-negative integer keys, laid out for a simulator that holds 1,200 of them and visits
 * them in random order, so that nearly every visit finds its memory outside the CPU's caches: what costs
 * is the number of distinct memory lines a lookup touches, not instructions (a linked-list LRU touched
 * about six; benchmarks/README.md has the measurement).
 *
 * - A linear-probing hash table holds each cached list as one 8-byte entry: key and the stamp of its
 *   last use (its size sits in a parallel array). A hit touches that one line and writes its stamp.
 * - Recency lives in a log, a ring of (key, stamp) pairs appended at every use: the least recently used
 *   list is the oldest pair whose stamp is still its key's current stamp; older pairs of a key that was
 *   used again (or evicted) are stale and skipped. Appends and the oldest pairs are sequential memory.
 * - The log holds one live pair per cached list; when it fills, stale pairs are dropped in order
 *   (compaction), after which it holds exactly the live pairs; the ring doubles only when those fill
 *   more than half of it. Every pair is appended once and dropped or evicted once.
 *
 * Stamps are a per-cache counter in int32 words; only equality is tested. Before the counter would pass
 * `stampLimit` (2^31 - 1 unless a test asks for less), the log is compacted and the live pairs are
 * stamped 1, 2, 3... in log order, so a list left untouched for billions of uses keeps its place.
 */
export class ByteLru implements BufferCache {
  private entries: Int32Array;
  private sizes: Float64Array;
  private mask: number;
  /** Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4): the high bits of key x 2^32/phi index the table. */
  private shift: number;
  private count = 0;
  private clock = 0;
  private readonly stampLimit: number;
  /** Ring of (key, stamp) pairs: pair k at log[2 * ((logHead + k) & logMask)]. */
  private log: Int32Array;
  private logMask: number;
  private logHead = 0;
  private logLength = 0;
  sizeBytes = 0;

  constructor(
    private readonly maxBytes: number,
    stampLimit = 0x7fffffff,
  ) {
    invariant(maxBytes > 0, 'ByteLru needs a positive size');
    this.stampLimit = stampLimit;
    const slots = 64;
    this.entries = new Int32Array(0);
    this.sizes = new Float64Array(0);
    this.mask = 0;
    this.shift = 0;
    this.allocTable(slots);
    this.log = new Int32Array(2 * MIN_LOG_PAIRS);
    this.logMask = MIN_LOG_PAIRS - 1;
  }

  private allocTable(slots: number): void {
    this.entries = new Int32Array(slots * ENTRY_I32);
    this.sizes = new Float64Array(slots);
    for (let i = 0; i < slots; i++) this.entries[i * ENTRY_I32 + KEY] = EMPTY;
    this.mask = slots - 1;
    this.shift = 32 - Math.log2(slots);
  }

  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** Table slot holding `key`, or EMPTY. */
  private find(key: number): number {
    const entries = this.entries;
    let i = this.home(key);
    for (;;) {
      const k = entries[i * ENTRY_I32 + KEY];
      if (k === key) return i;
      if (k === EMPTY) return EMPTY;
      i = (i + 1) & this.mask;
    }
  }

  get(key: number): boolean {
    const i = this.find(key);
    if (i === EMPTY) return false;
    this.touch(i, key);
    return true;
  }

  sizeOf(key: number): number {
    const i = this.find(key);
    return i === EMPTY ? 0 : this.sizes[i];
  }

  /** One probe for the lookup and, on a miss, the insert: the hot path of a disk-mode leaf. */
  access(key: number, bytes: number): boolean {
    const entries = this.entries;
    let i = this.home(key);
    for (;;) {
      const k = entries[i * ENTRY_I32 + KEY];
      if (k === key) {
        this.touch(i, key);
        return true;
      }
      if (k === EMPTY) break;
      i = (i + 1) & this.mask;
    }
    if (bytes <= this.maxBytes) this.insertAt(i, key, bytes);
    return false;
  }

  set(key: number, bytes: number): void {
    const i = this.find(key);
    if (bytes > this.maxBytes) {
      if (i !== EMPTY) {
        this.removeSlot(i);
      }
      return;
    }
    if (i === EMPTY) {
      this.insertAt(EMPTY, key, bytes);
      return;
    }
    this.sizeBytes += bytes - this.sizes[i];
    this.sizes[i] = bytes;
    this.touch(i, key);
    this.evictToFit();
  }

  /** Marks the entry at slot `i` most recently used. */
  private touch(i: number, key: number): void {
    const stamp = this.nextStamp();
    this.entries[i * ENTRY_I32 + STAMP] = stamp;
    this.append(key, stamp);
  }

  /** Inserts a new key at free slot `i` (EMPTY: find one), then evicts until the cache fits. */
  private insertAt(i: number, key: number, bytes: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) {
      this.rehash((this.mask + 1) * 2);
      i = EMPTY;
    }
    if (i === EMPTY) {
      i = this.home(key);
      while (this.entries[i * ENTRY_I32 + KEY] !== EMPTY) i = (i + 1) & this.mask;
    }
    const stamp = this.nextStamp();
    this.entries[i * ENTRY_I32 + KEY] = key;
    this.entries[i * ENTRY_I32 + STAMP] = stamp;
    this.sizes[i] = bytes;
    this.count++;
    this.sizeBytes += bytes;
    this.append(key, stamp);
    this.evictToFit();
  }

  private nextStamp(): number {
    if (this.clock >= this.stampLimit) this.restamp();
    return ++this.clock;
  }

  /** Keeps only live pairs and stamps them 1, 2, 3... in log order (recency order), in the table too. */
  private restamp(): void {
    this.compactLog();
    const log = this.log;
    for (let k = 0; k < this.logLength; k++) {
      const at = 2 * ((this.logHead + k) & this.logMask);
      log[at + 1] = k + 1;
      this.entries[this.find(log[at]) * ENTRY_I32 + STAMP] = k + 1;
    }
    this.clock = this.logLength;
  }

  /** Evicts least recently used lists (the oldest live pairs of the log) until the cache fits. */
  private evictToFit(): void {
    while (this.sizeBytes > this.maxBytes && this.logLength > 0) {
      const at = 2 * this.logHead;
      const key = this.log[at];
      const stamp = this.log[at + 1];
      this.logHead = (this.logHead + 1) & this.logMask;
      this.logLength--;
      const i = this.find(key);
      if (i === EMPTY || this.entries[i * ENTRY_I32 + STAMP] !== stamp) continue; // stale pair
      this.removeSlot(i);
    }
  }

  private append(key: number, stamp: number): void {
    if (this.logLength > this.logMask) this.compactLog();
    const at = 2 * ((this.logHead + this.logLength) & this.logMask);
    this.log[at] = key;
    this.log[at + 1] = stamp;
    this.logLength++;
  }

  /** Drops stale pairs, keeping order; grows the ring when live pairs fill more than half of it. */
  private compactLog(): void {
    const old = this.log;
    const oldMask = this.logMask;
    let pairs = oldMask + 1;
    if (this.count * 2 > pairs) pairs *= 2;
    const log = pairs === oldMask + 1 ? old : new Int32Array(2 * pairs);
    let kept = 0;
    for (let k = 0; k < this.logLength; k++) {
      const at = 2 * ((this.logHead + k) & oldMask);
      const key = old[at];
      const stamp = old[at + 1];
      const i = this.find(key);
      if (i === EMPTY || this.entries[i * ENTRY_I32 + STAMP] !== stamp) continue;
      // In place, kept <= k, so pair `kept` is written only after pair `kept` was read.
      const to = log === old ? 2 * ((this.logHead + kept) & oldMask) : 2 * kept;
      log[to] = key;
      log[to + 1] = stamp;
      kept++;
    }
    if (log !== old) {
      this.log = log;
      this.logMask = pairs - 1;
      this.logHead = 0;
    }
    this.logLength = kept;
  }

  private rehash(slots: number): void {
    const oldEntries = this.entries;
    const oldSizes = this.sizes;
    const oldSlots = this.mask + 1;
    this.allocTable(slots);
    for (let j = 0; j < oldSlots; j++) {
      const key = oldEntries[j * ENTRY_I32 + KEY];
      if (key === EMPTY) continue;
      let i = this.home(key);
      while (this.entries[i * ENTRY_I32 + KEY] !== EMPTY) i = (i + 1) & this.mask;
      this.moveEntry(oldEntries, oldSizes, j, i);
    }
  }

  private moveEntry(fromEntries: Int32Array, fromSizes: Float64Array, from: number, to: number): void {
    this.entries[to * ENTRY_I32 + KEY] = fromEntries[from * ENTRY_I32 + KEY];
    this.entries[to * ENTRY_I32 + STAMP] = fromEntries[from * ENTRY_I32 + STAMP];
    this.sizes[to] = fromSizes[from];
  }

  /** Evicts the list at slot `i` (backward-shift deletion keeps probe chains intact); its log pairs go stale. */
  private removeSlot(i: number): void {
    const entries = this.entries;
    this.sizeBytes -= this.sizes[i];
    this.count--;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & this.mask;
      const key = entries[j * ENTRY_I32 + KEY];
      if (key === EMPTY) break;
      const home = this.home(key);
      // Move the entry at j into the hole if its home is not in (hole, j] cyclically.
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        this.moveEntry(entries, this.sizes, j, hole);
        hole = j;
      }
    }
    entries[hole * ENTRY_I32 + KEY] = EMPTY;
  }
}
