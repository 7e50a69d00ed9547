import type { Piscina } from 'piscina';
import { SearchsimError, errorFromData } from '../core/index.ts';
import { validateSpec, type GlobalStats, type SearchRequest, type ShardInfo, type ShardSetSpec, type ShardStats, type UpdateOp, type UpdateResult } from '../index/index.ts';
import type { LeafAnswer, LiveDiskSpec } from './liveMachine.ts';
import { oneThreadPool } from './pool.ts';
import { PROTOCOL_VERSION, type Reply, type ShardReplies, type ShardTask } from './protocol.ts';


/**
 * Requests one live machine takes in at once: the rest wait in its own queue, as at a real server. High
 * enough never to hold an open-loop burst back in piscina's queue instead (the machine's queue is the
 * one the model has).
 */
const IN_FLIGHT_PER_MACHINE = 4096;

export interface LiveMachinesSpec {
  shards: number;
  replicas: number;
  /** The shards' index (each machine builds its own shard from the corpus); null: synthetic leaves only. */
  index: ShardSetSpec | null;
  /** Each machine's disk, or null (memory mode). */
  disk: LiveDiskSpec | null;
  /** Machines whose leaf requests are stretched, and by what factor (`faults.slowMachines`). */
  slow?: { machines: readonly number[]; factor: number };
}

/**
 * The machines of a live cluster, one worker thread each (machine m holds shard m / replicas, as replica
 * m % replicas): the threaded side of live mode (src/live). Each is its own one-thread piscina pool, so a
 * request always reaches the machine it was sent to.
 */
export class LiveMachines {
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    readonly shards: number,
    readonly replicas: number,
    private readonly pools: Piscina[],
    readonly indexed: boolean,
  ) {}

  get machines(): number {
    return this.pools.length;
  }

  static async open(spec: LiveMachinesSpec): Promise<LiveMachines> {
    if (spec.index) validateSpec({ ...spec.index, shards: spec.shards });
    const n = spec.shards * spec.replicas;
    // A machine's disk and core waits are timers on its thread: piscina's 'sync' mode may pause a thread
    // between tasks, 'async' keeps its event loop running (piscina's README, option atomics).
    const pools = Array.from({ length: n }, () => oneThreadPool({ concurrentTasksPerWorker: IN_FLIGHT_PER_MACHINE, atomics: 'async' }));
    const set = new LiveMachines(spec.shards, spec.replicas, pools, spec.index !== null);
    try {
      await Promise.all(
        pools.map(async (p, m) => {
          if (spec.index) await set.call(m, { type: 'load', version: PROTOCOL_VERSION, set: 0, spec: { ...spec.index, shards: spec.shards }, shards: [set.shardOf(m)] });
          await set.call(m, { type: 'machine', disk: spec.disk, slowdown: spec.slow?.machines.includes(m) ? spec.slow.factor : 1 });
        }),
      );
    } catch (e) {
      await set.close();
      throw e;
    }
    return set;
  }

  /** Worker threads running now (0 once closed: none is left behind). */
  get threads(): number {
    return this.pools.reduce((a, p) => a + p.threads.length, 0);
  }

  shardOf(machine: number): number {
    return Math.floor(machine / this.replicas);
  }

  /** One leaf request: machine `machine` searches its shard with collection-wide statistics. */
  serve(machine: number, request: SearchRequest, globals: GlobalStats): Promise<LeafAnswer> {
    return this.call(machine, { type: 'serve', set: 0, shard: this.shardOf(machine), request, globals });
  }

  /** `cpuMs` holding the machine's core: a synthetic leaf (`leaf`: stretched on a slow machine), or background work. */
  holdCore(machine: number, cpuMs: number, leaf = false): Promise<LeafAnswer> {
    return this.call(machine, { type: 'holdCore', cpuMs, leaf });
  }

  chargeDisk(machine: number, ioMs: number): Promise<LeafAnswer> {
    return this.call(machine, { type: 'diskCharge', ioMs });
  }

  /** Each shard's statistics for `terms` (from its first replica), in shard order. */
  async stats(terms: readonly string[]): Promise<ShardStats[]> {
    const parts = await Promise.all(
      Array.from({ length: this.shards }, (_, s) => this.call<ShardStats[]>(s * this.replicas, { type: 'stats', set: 0, terms: [...terms] })),
    );
    return parts.flat();
  }

  /** What each shard holds (from its first replica), in shard order; empty without an index. */
  async info(): Promise<ShardInfo[]> {
    if (!this.indexed) return [];
    const parts = await Promise.all(Array.from({ length: this.shards }, (_, s) => this.call<ShardInfo[]>(s * this.replicas, { type: 'info', set: 0 })));
    return parts.flat();
  }

  /** Every distinct index term of the collection (for morphological expansion). */
  async vocabulary(): Promise<string[]> {
    const parts = await Promise.all(Array.from({ length: this.shards }, (_, s) => this.call<string[]>(s * this.replicas, { type: 'vocabulary', set: 0 })));
    return [...new Set(parts.flat())].sort();
  }

  /**
   * Applies changes to every machine: each replica of a shard applies that shard's (its worker skips the
   * others). What the result counts comes from each shard's first replica.
   */
  async update(ops: readonly UpdateOp[]): Promise<UpdateResult> {
    const parts = await Promise.all(Array.from({ length: this.machines }, (_, m) => this.call<UpdateResult>(m, { type: 'update', set: 0, ops: [...ops] })));
    const firsts = parts.filter((_, m) => m % this.replicas === 0);
    return {
      applied: firsts.reduce((a, p) => a + p.applied, 0),
      unknownDeletes: firsts.flatMap((p) => p.unknownDeletes),
      changedTerms: [...new Set(firsts.flatMap((p) => p.changedTerms))],
    };
  }

  /** Makes a machine fail, for tests of how a live run ends. */
  fail(machine: number, how: 'throw' | 'exit'): Promise<null> {
    return this.call(machine, { type: 'fail', how });
  }

  /**
   * Ends every machine's thread; calling it again does nothing. Requests still in flight (a run that
   * failed leaves some) are given `settleMs` to answer first: piscina treats an answer arriving after its
   * pool is destroyed as an error of its own. A machine that hangs is ended regardless.
   */
  async close(settleMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, settleMs)))]);
      clearTimeout(timer);
    }
    await Promise.allSettled(this.pools.map((p) => p.destroy()));
  }

  private async call<T extends ShardReplies[keyof ShardReplies]>(machine: number, task: ShardTask): Promise<T> {
    const where = `live machine ${machine} (shard ${this.shardOf(machine)}, replica ${machine % this.replicas})`;
    if (this.closed) throw new SearchsimError('E_INVARIANT', `${where}: a request after the live machines were closed`);
    let reply: Reply<T>;
    const p = this.pools[machine].run(task) as Promise<Reply<T>>;
    this.inFlight.add(p);
    try {
      reply = await p;
    } catch (e) {
      // The thread ended (it exited, or ran out of memory) or the pool was closed under the request.
      throw new SearchsimError('E_INVARIANT', `${where}: its worker thread failed: ${(e as Error).message}`);
    } finally {
      this.inFlight.delete(p);
    }
    if (reply.ok) return reply.value;
    const e = errorFromData(reply, where);
    // A user's mistake reads as it is; anything else says which machine it happened on.
    if (!e.isUserError && !e.message.startsWith(where)) e.message = `${where}: ${e.message}`;
    throw e;
  }
}
