import type { Rng } from '../core/index.ts';
import { errors } from '../core/index.ts';

/**
 * Which replica of a shard serves a request: the replica-selection seam. Every policy answers with a
 * replica in [0, replicas) and is deterministic given its RNG stream (contract:
 * tests/cluster/selection.contract.test.ts).
 */
export interface ReplicaSelector {
  readonly name: SelectionPolicy;
  /** Whether `choose` reads the replicas' load (the router then counts outstanding requests). */
  readonly usesLoad: boolean;
  /** `load(replica)` is the requests outstanding at that replica as the router sees them now. */
  choose(shard: number, replicas: number, load: (replica: number) => number): number;
}

export type SelectionPolicy = 'round-robin' | 'random' | 'least-outstanding' | 'power-of-two';
export const SELECTION_POLICIES: readonly SelectionPolicy[] = ['round-robin', 'random', 'least-outstanding', 'power-of-two'];

/** Each shard cycles through its replicas. */
class RoundRobin implements ReplicaSelector {
  readonly name = 'round-robin' as const;
  readonly usesLoad = false;
  private next: Int32Array;
  constructor(shards: number) {
    this.next = new Int32Array(shards);
  }
  choose(shard: number, replicas: number): number {
    const r = this.next[shard];
    this.next[shard] = (r + 1) % replicas;
    return r;
  }
}

/** Uniformly at random. */
class RandomChoice implements ReplicaSelector {
  readonly name = 'random' as const;
  readonly usesLoad = false;
  constructor(private readonly rng: Rng) {}
  choose(_shard: number, replicas: number): number {
    return replicas === 1 ? 0 : this.rng.int(replicas);
  }
}

/** The replica with the fewest outstanding requests; ties go to the lowest-numbered replica after a rotating start. */
class LeastOutstanding implements ReplicaSelector {
  readonly name = 'least-outstanding' as const;
  readonly usesLoad = true;
  private start: Int32Array;
  constructor(shards: number) {
    this.start = new Int32Array(shards);
  }
  choose(shard: number, replicas: number, load: (r: number) => number): number {
    const s = this.start[shard];
    this.start[shard] = (s + 1) % replicas;
    let best = s;
    let bestLoad = load(s);
    for (let i = 1; i < replicas && bestLoad > 0; i++) {
      const r = (s + i) % replicas;
      const l = load(r);
      if (l < bestLoad) {
        best = r;
        bestLoad = l;
      }
    }
    return best;
  }
}

/**
 * Two replicas at random, the less loaded wins (Mitzenmacher, "The power of two choices in randomized load
 * balancing", IEEE TPDS 12(10), 2001).
 */
class PowerOfTwo implements ReplicaSelector {
  readonly name = 'power-of-two' as const;
  readonly usesLoad = true;
  constructor(private readonly rng: Rng) {}
  choose(_shard: number, replicas: number, load: (r: number) => number): number {
    if (replicas === 1) return 0;
    const a = this.rng.int(replicas);
    let b = this.rng.int(replicas - 1);
    if (b >= a) b++;
    return load(b) < load(a) ? b : a;
  }
}

export function replicaSelector(policy: SelectionPolicy, shards: number, rng: Rng): ReplicaSelector {
  switch (policy) {
    case 'round-robin':
      return new RoundRobin(shards);
    case 'random':
      return new RandomChoice(rng);
    case 'least-outstanding':
      return new LeastOutstanding(shards);
    case 'power-of-two':
      return new PowerOfTwo(rng);
    default:
      throw errors.option('cluster.selection', `one of ${SELECTION_POLICIES.join(', ')}`, policy);
  }
}
