import { LRUCache } from 'lru-cache';
import { diskReadMs, type DiskProfile } from '../hardware/index.ts';
import type { GlobalStats, Hit, Receipt, SearchRequest, ShardIndex } from '../index/index.ts';
import { sleepUntil, wallMs } from './wallTimer.ts';

/** A live machine's disk: the hardware profile's seek, rotation and transfer, behind a buffer cache of `cacheBytes`. */
export interface LiveDiskSpec {
  disk: Pick<DiskProfile, 'seekMs' | 'rotationMs' | 'transferBytesPerMs'>;
  cacheBytes: number;
}

/** What one leaf request cost a live machine, and what it answered. Durations in wall-clock ms. */
export interface LeafAnswer {
  hits: Hit[];
  receipt: Receipt | null;
  /** Time on the thread (the search, or a synthetic leaf's spin). */
  cpuMs: number;
  /** The disk time this request booked (seek, half rotation, transfer of its cold lists). */
  diskMs: number;
  /** Of the disk wait, the seeks, half rotations and transfers (their sum is diskMs). */
  seekMs: number;
  rotationMs: number;
  transferMs: number;
  /** From the request reaching the worker to its answer leaving it: queueing on the disk included. */
  inWorkerMs: number;
  seeks: number;
  bytesRead: number;
  cacheLookups: number;
  cacheHits: number;
}

/**
 * One machine of a live cluster, on its worker thread: its shard's index in this thread's memory, and in
 * disk mode one FIFO disk behind a buffer cache. A request first reads its cold posting lists (each a real
 * wait of a seek, half a rotation and the transfer, from the hardware profile, queued behind the disk's
 * earlier reads), then runs the search for real on this thread: the order a simulated machine books them
 * in (src/cluster/machines.ts). The thread is the machine's one core: requests take it in turn, after
 * any modelled work holding it (`holdCore`).
 */
export class LiveMachine {
  private diskFreeAtMs = 0;
  /** When the core is free of modelled work (holdCore); a search runs on the thread when it is. */
  private coreFreeAtMs = 0;
  private readonly cache: LRUCache<string, number> | null;

  /**
   * `slowdown` (1: none) stretches this machine's leaf requests, as `faults.slowMachines` does a simulated
   * machine's: its disk waits, and its CPU (the search, then the core held for the rest of the stretch).
   */
  constructor(
    private readonly disk: LiveDiskSpec | null,
    private readonly slowdown = 1,
  ) {
    this.cache = disk && disk.cacheBytes > 0 ? new LRUCache<string, number>({ maxSize: disk.cacheBytes }) : null;
  }

  async serve(index: ShardIndex, request: SearchRequest, globals: GlobalStats): Promise<LeafAnswer> {
    const reachedMs = wallMs();
    const a = blankAnswer();
    if (this.disk) {
      const ioMs = this.readCold(index, request, a);
      if (ioMs > 0) await this.occupyDisk(ioMs);
    }
    // Modelled work holding the core (a charge) goes first; the search itself is real work on the thread.
    if (this.coreFreeAtMs > wallMs()) await sleepUntil(this.coreFreeAtMs);
    const cpuFromMs = wallMs();
    const r = index.search(request, globals);
    const cpuToMs = wallMs();
    a.cpuMs = cpuToMs - cpuFromMs;
    this.coreFreeAtMs = Math.max(this.coreFreeAtMs, cpuToMs);
    if (this.slowdown !== 1) {
      const extraMs = a.cpuMs * (this.slowdown - 1);
      this.coreFreeAtMs += extraMs;
      a.cpuMs += extraMs;
      await sleepUntil(this.coreFreeAtMs);
    }
    a.hits = r.hits;
    a.receipt = r.receipt;
    a.inWorkerMs = wallMs() - reachedMs;
    return a;
  }

  /**
   * Modelled CPU (a synthetic leaf's service time, or work charged to the machine): it holds the machine's
   * core for `cpuMs`, queued FIFO behind what the core owes, as a wait rather than a spin, so it costs
   * the host no core: on a host with fewer cores than machines a spin would be stretched by the host's
   * own scheduling, which is not the machine being modelled.
   */
  async holdCore(cpuMs: number, leaf: boolean): Promise<LeafAnswer> {
    const fromMs = wallMs();
    const startMs = Math.max(fromMs, this.coreFreeAtMs);
    // A leaf's work is stretched on a slow machine; background work (a stall, an update) is not.
    if (leaf) cpuMs *= this.slowdown;
    this.coreFreeAtMs = startMs + cpuMs;
    await sleepUntil(this.coreFreeAtMs);
    const a = blankAnswer();
    a.cpuMs = cpuMs;
    a.inWorkerMs = wallMs() - fromMs;
    return a;
  }

  /** Work that is not a query (applying a change) on the disk: `ioMs` queued behind the reads before it. */
  async chargeDisk(ioMs: number): Promise<LeafAnswer> {
    const fromMs = wallMs();
    await this.occupyDisk(ioMs);
    const a = blankAnswer();
    a.diskMs = ioMs;
    a.inWorkerMs = wallMs() - fromMs;
    return a;
  }

  /** Looks the request's lists up in the buffer cache; returns the disk time of those not there. */
  private readCold(index: ShardIndex, request: SearchRequest, a: LeafAnswer): number {
    const d = this.disk!.disk;
    for (const t of request.terms) {
      const bytes = index.listBytes(t.term);
      if (bytes === 0) continue;
      a.cacheLookups++;
      if (this.cache?.get(t.term) !== undefined) {
        a.cacheHits++;
        continue;
      }
      a.seeks++;
      a.bytesRead += bytes;
      a.seekMs += d.seekMs;
      a.rotationMs += d.rotationMs / 2;
      a.transferMs += bytes / d.transferBytesPerMs;
      a.diskMs += diskReadMs(d as DiskProfile, bytes);
      this.cache?.set(t.term, bytes, { size: Math.max(1, bytes) });
    }
    if (this.slowdown !== 1) {
      a.seekMs *= this.slowdown;
      a.rotationMs *= this.slowdown;
      a.transferMs *= this.slowdown;
      a.diskMs *= this.slowdown;
    }
    return a.diskMs;
  }

  /** Books `ioMs` on the FIFO disk and waits for it: behind whatever the disk still owes. */
  private occupyDisk(ioMs: number): Promise<void> {
    const startMs = Math.max(wallMs(), this.diskFreeAtMs);
    this.diskFreeAtMs = startMs + ioMs;
    return sleepUntil(this.diskFreeAtMs);
  }
}

function blankAnswer(): LeafAnswer {
  return { hits: [], receipt: null, cpuMs: 0, diskMs: 0, seekMs: 0, rotationMs: 0, transferMs: 0, inWorkerMs: 0, seeks: 0, bytesRead: 0, cacheLookups: 0, cacheHits: 0 };
}
