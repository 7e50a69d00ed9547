import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import { errors, invariant } from '../core/index.ts';

/**
 * Where a segment's posting bytes live: the storage seam (tantivy's `Directory`). Two implementations,
 * one contract (tests/index/storage.contract.test.ts): the same bytes come back for every read.
 *
 * A read returns a view that stays valid until the store is closed; callers never write into it.
 */
export interface PostingStore {
  readonly kind: 'memory' | 'disk';
  /** Total bytes held. */
  readonly bytes: number;
  read(offset: number, length: number): Uint8Array;
  /** All bytes at once when they are in this thread's memory (lets a reader skip a view per list); else null. */
  whole(): Uint8Array | null;
  close(): void;
}

/** Posting lists in one typed array in this thread's heap. */
export class MemoryStore implements PostingStore {
  readonly kind = 'memory' as const;
  constructor(private readonly data: Uint8Array) {}
  get bytes(): number {
    return this.data.length;
  }
  read(offset: number, length: number): Uint8Array {
    return this.data.subarray(offset, offset + length);
  }
  whole(): Uint8Array {
    return this.data;
  }
  close(): void {}
}

/**
 * Posting lists in a file, each read on demand with one positioned read, through a small cache sized in
 * bytes, so a shard larger than RAM still works. The cache is the real process's; the simulated buffer
 * cache of a modelled machine belongs to the simulator.
 */
export class DiskStore implements PostingStore {
  readonly kind = 'disk' as const;
  readonly bytes: number;
  private fd: number | null;
  private readonly cache: LRUCache<number, Uint8Array>;
  constructor(
    readonly path: string,
    data: Uint8Array,
    cacheBytes: number,
    /** Called once when the store is closed and its file removed. */
    private readonly onClose?: () => void,
  ) {
    if (!Number.isInteger(cacheBytes) || cacheBytes < 1) throw errors.option('storage.cacheBytes', 'a positive integer', cacheBytes);
    this.fd = openSync(path, 'w+');
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written, written);
    this.bytes = data.length;
    this.cache = new LRUCache({ maxSize: cacheBytes, sizeCalculation: (v) => Math.max(1, v.length) });
  }
  read(offset: number, length: number): Uint8Array {
    invariant(this.fd !== null, `read from closed store ${this.path}`);
    const hit = this.cache.get(offset);
    if (hit && hit.length === length) return hit;
    const buf = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buf, got, length - got, offset + got);
      invariant(n > 0, `short read in ${this.path} at ${offset + got}`);
      got += n;
    }
    this.cache.set(offset, buf);
    return buf;
  }
  whole(): null {
    return null;
  }
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    rmSync(this.path, { force: true });
    this.onClose?.();
  }
}

/** How a shard stores its posting lists. Plain data: it crosses to the shard workers. */
export type StorageSpec =
  | { kind: 'memory' }
  /**
   * `dir`: where segment files go, an existing folder its owner removes (the CLI makes one a run, and
   * removes it on exit and on SIGINT or SIGTERM); default: a fresh folder in the OS temp dir for this
   * thread, removed when its last store closes.
   */
  | { kind: 'disk'; dir?: string; cacheBytes?: number };

/** Default positioned-read cache of a disk store: small on purpose (8 MiB). */
export const DEFAULT_DISK_CACHE_BYTES = 8 << 20;

let serial = 0;
/** This thread's default folder and the disk stores open in it: the folder goes with the last of them. */
let defaultDir: string | null = null;
let openInDefault = 0;

/** Makes the store a spec names for a new segment's bytes. */
export function createStore(spec: StorageSpec, data: Uint8Array): PostingStore {
  if (spec.kind === 'memory') return new MemoryStore(data);
  const cacheBytes = spec.cacheBytes ?? DEFAULT_DISK_CACHE_BYTES;
  if (spec.dir !== undefined) return new DiskStore(join(spec.dir, segmentName()), data, cacheBytes);
  const dir = (defaultDir ??= makeStorageDir());
  const store = new DiskStore(join(dir, segmentName()), data, cacheBytes, () => {
    if (--openInDefault > 0 || defaultDir !== dir) return;
    rmSync(dir, { recursive: true, force: true });
    defaultDir = null;
  });
  openInDefault++;
  return store;
}

/** A fresh folder for segment files in the OS temp dir (`searchsim-XXXXXX`); its maker removes it. */
export function makeStorageDir(): string {
  return mkdtempSync(join(tmpdir(), 'searchsim-'));
}

function segmentName(): string {
  return `seg-${process.pid}-${threadId}-${serial++}.postings`;
}
