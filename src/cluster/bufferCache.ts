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
  readonly sizeBytes: number;
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
  get sizeBytes(): number {
    return this.cache.calculatedSize;
  }
}

const EMPTY = -1;

/** LRU over non-negative integer keys: a linear-probing hash table and a doubly linked list, all typed arrays. */
export class ByteLru implements BufferCache {
  private table: Int32Array; // key hash -> slot, EMPTY when free
  private mask: number;
  private keys: Int32Array;
  private sizes: Float64Array;
  private prev: Int32Array;
  private next: Int32Array;
  /** Where each slot sits in the table (kept through rehashes and backward shifts): evictions skip a probe. */
  private at: Int32Array;
  private head = EMPTY; // most recently used
  private tail = EMPTY; // least recently used
  private freeSlots: number[] = [];
  private used = 0;
  private count = 0;
  sizeBytes = 0;

  constructor(private readonly maxBytes: number) {
    invariant(maxBytes > 0, 'ByteLru needs a positive size');
    this.table = new Int32Array(64).fill(EMPTY);
    this.mask = 63;
    this.keys = new Int32Array(32);
    this.sizes = new Float64Array(32);
    this.prev = new Int32Array(32);
    this.next = new Int32Array(32);
    this.at = new Int32Array(32);
  }

  /** Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4): the high bits of key x 2^32/phi index the table. */
  private shift = 32 - 6;
  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  private find(key: number): number {
    let i = this.home(key);
    for (;;) {
      const s = this.table[i];
      if (s === EMPTY) return EMPTY;
      if (this.keys[s] === key) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(key: number): boolean {
    const i = this.find(key);
    if (i === EMPTY) return false;
    this.touch(this.table[i]);
    return true;
  }

  /** One probe for the lookup and, on a miss, the insert: the hot path of a disk-mode leaf. */
  access(key: number, bytes: number): boolean {
    let i = this.home(key);
    for (;;) {
      const s = this.table[i];
      if (s === EMPTY) break;
      if (this.keys[s] === key) {
        this.touch(s);
        return true;
      }
      i = (i + 1) & this.mask;
    }
    if (bytes <= this.maxBytes) this.insertNew(key, bytes);
    return false;
  }

  private insertNew(key: number, bytes: number): void {
    const s = this.alloc();
    this.keys[s] = key;
    this.sizes[s] = bytes;
    this.sizeBytes += bytes;
    this.linkHead(s);
    this.insertTable(key, s);
    while (this.sizeBytes > this.maxBytes && this.tail !== EMPTY) this.remove(this.at[this.tail]);
  }

  set(key: number, bytes: number): void {
    const i = this.find(key);
    if (bytes > this.maxBytes) {
      if (i !== EMPTY) this.remove(i);
      return;
    }
    if (i !== EMPTY) {
      const s = this.table[i];
      this.sizeBytes += bytes - this.sizes[s];
      this.sizes[s] = bytes;
      this.touch(s);
      while (this.sizeBytes > this.maxBytes && this.tail !== EMPTY) this.remove(this.at[this.tail]);
    } else this.insertNew(key, bytes);
  }

  private alloc(): number {
    if (this.freeSlots.length > 0) return this.freeSlots.pop()!;
    if (this.used === this.keys.length) {
      const n = this.keys.length * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(n);
        b.set(a);
        return b;
      };
      this.keys = grow(this.keys, (n) => new Int32Array(n));
      this.sizes = grow(this.sizes, (n) => new Float64Array(n));
      this.prev = grow(this.prev, (n) => new Int32Array(n));
      this.next = grow(this.next, (n) => new Int32Array(n));
      this.at = grow(this.at, (n) => new Int32Array(n));
    }
    return this.used++;
  }

  private insertTable(key: number, slot: number): void {
    if ((this.count + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    let i = this.home(key);
    while (this.table[i] !== EMPTY) i = (i + 1) & this.mask;
    this.table[i] = slot;
    this.at[slot] = i;
    this.count++;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.shift = 32 - Math.log2(size);
    for (const s of old) {
      if (s === EMPTY) continue;
      let i = this.home(this.keys[s]);
      while (this.table[i] !== EMPTY) i = (i + 1) & this.mask;
      this.table[i] = s;
      this.at[s] = i;
    }
  }

  /** Removes the entry at table index `i` (backward-shift deletion keeps probe chains intact). */
  private remove(i: number): void {
    const s = this.table[i];
    this.unlink(s);
    this.sizeBytes -= this.sizes[s];
    this.freeSlots.push(s);
    this.count--;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & this.mask;
      const t = this.table[j];
      if (t === EMPTY) break;
      const home = this.home(this.keys[t]);
      // Move t into the hole if its home is not in (hole, j] cyclically.
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        this.table[hole] = t;
        this.at[t] = hole;
        hole = j;
      }
    }
    this.table[hole] = EMPTY;
  }

  private touch(s: number): void {
    if (this.head === s) return;
    this.unlink(s);
    this.linkHead(s);
  }
  private linkHead(s: number): void {
    this.prev[s] = EMPTY;
    this.next[s] = this.head;
    if (this.head !== EMPTY) this.prev[this.head] = s;
    this.head = s;
    if (this.tail === EMPTY) this.tail = s;
  }
  private unlink(s: number): void {
    const p = this.prev[s];
    const n = this.next[s];
    if (p !== EMPTY) this.next[p] = n;
    else this.head = n;
    if (n !== EMPTY) this.prev[n] = p;
    else this.tail = p;
  }
}
