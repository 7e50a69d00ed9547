/** A scored document. Results are ordered by score descending, then id ascending (ties are stable). */
export interface Hit {
  id: string;
  score: number;
}

/** True when a ranks strictly before b. */
export function ranksBefore(aScore: number, aId: string, bScore: number, bId: string): boolean {
  return aScore > bScore || (aScore === bScore && aId < bId);
}

export function compareHits(a: Hit, b: Hit): number {
  return ranksBefore(a.score, a.id, b.score, b.id) ? -1 : ranksBefore(b.score, b.id, a.score, a.id) ? 1 : 0;
}

/**
 * The best k hits seen so far: a binary heap whose root is the worst kept hit, so a candidate is compared
 * once against it. `threshold` is the score a new document must reach to have any chance of entering.
 */
export class TopK {
  private scores: Float64Array;
  private ids: string[];
  size = 0;
  k: number;
  constructor(k: number) {
    this.k = k;
    this.scores = new Float64Array(Math.max(1, k));
    this.ids = new Array<string>(Math.max(1, k));
  }
  /** Empties the heap for another query, keeping its buffers when they are large enough. */
  reset(k: number): this {
    this.k = k;
    this.size = 0;
    if (this.scores.length < k) {
      this.scores = new Float64Array(k);
      this.ids = new Array<string>(k);
    }
    return this;
  }
  get full(): boolean {
    return this.size >= this.k;
  }
  /** The worst kept score once full, else -Infinity. */
  get threshold(): number {
    return this.size >= this.k ? this.scores[0] : -Infinity;
  }
  /** Worse-than: the heap order (root = worst). */
  private worse(i: number, j: number): boolean {
    return ranksBefore(this.scores[j], this.ids[j], this.scores[i], this.ids[i]);
  }
  private swap(i: number, j: number): void {
    const s = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = s;
    const d = this.ids[i];
    this.ids[i] = this.ids[j];
    this.ids[j] = d;
  }
  offer(score: number, id: string): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      this.scores[i] = score;
      this.ids[i] = id;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    if (!ranksBefore(score, id, this.scores[0], this.ids[0])) return;
    this.scores[0] = score;
    this.ids[0] = id;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.worse(r, l) ? r : l;
      if (!this.worse(c, i)) break;
      this.swap(c, i);
      i = c;
    }
  }
  /** Offers every kept hit to another top k. */
  offerAllTo(other: TopK): void {
    for (let i = 0; i < this.size; i++) other.offer(this.scores[i], this.ids[i]);
  }
  /** The kept hits, best first. */
  sorted(): Hit[] {
    const out: Hit[] = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i], score: this.scores[i] });
    return out.sort(compareHits);
  }
}

/** Merges per-shard result lists (each best first) into the global top k: the router's merge. */
export function mergeTopK(lists: readonly Hit[][], k: number): Hit[] {
  const all: Hit[] = [];
  for (const l of lists) for (const h of l) all.push(h);
  all.sort(compareHits);
  return all.slice(0, k);
}
