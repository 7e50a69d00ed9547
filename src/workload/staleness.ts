import type { Rng } from '../core/index.ts';
import type { UpdateEvent } from './updates.ts';

/**
 * Which returned documents are stale: per document, the times of its changes in the stream and (once
 * known) when each became visible. A returned document is stale when its latest change made by the
 * query's arrival is not yet visible then; a document the stream never changed (or not yet) is stale
 * when it changed between the served snapshot and the run, with probability 1 - exp(-rate x snapshot
 * age), decided once per document by a seeded draw.
 */
export class Staleness {
  private readonly history = new Map<string, { changeMs: number[]; visibleMs: number[] }>();
  /** Per change (index in the stream): where its visibility time is kept. */
  private readonly slots: { at: number[]; i: number }[];
  private readonly priorStale = new Map<string, boolean>();

  constructor(
    events: readonly UpdateEvent[],
    /** How old the served snapshot is when the run starts (0: nothing missed before the stream). */
    private readonly priorAgeMs: number,
    /** Each document's modelled change rate, changes a millisecond (generated streams only). */
    private readonly docRatePerMs: Map<string, number> | undefined,
    private readonly rng: Rng,
  ) {
    this.slots = events.map((e) => {
      let h = this.history.get(e.id);
      if (!h) this.history.set(e.id, (h = { changeMs: [], visibleMs: [] }));
      const slot = { at: h.visibleMs, i: h.changeMs.length };
      h.changeMs.push(e.tS * 1000);
      h.visibleMs.push(Infinity);
      return slot;
    });
  }

  /** Change `eventIndex` of the stream is visible to queries from `visibleMs`. */
  setVisible(eventIndex: number, visibleMs: number): void {
    const s = this.slots[eventIndex];
    s.at[s.i] = visibleMs;
  }

  /**
   * How many of `ids`, returned by a query arriving at `tMs`, were older than their latest version; the
   * answer was computed on the index as it was at `servedAtMs` (earlier for a result cache's answer).
   */
  staleAmong(ids: readonly string[], tMs: number, servedAtMs = tMs): number {
    let stale = 0;
    for (const id of ids) {
      const h = this.history.get(id);
      if (!h) {
        if (this.staleBeforeRun(id)) stale++;
        continue;
      }
      let lo = 0;
      let hi = h.changeMs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (h.changeMs[mid] <= tMs) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0 && h.visibleMs[lo - 1] > servedAtMs) stale++;
      // No change of the run visible yet: the snapshot's own age decides.
      else if (!(lo > 0 && h.visibleMs[lo - 1] <= servedAtMs) && this.staleBeforeRun(id)) stale++;
    }
    return stale;
  }

  private staleBeforeRun(id: string): boolean {
    const rate = this.docRatePerMs?.get(id);
    if (!rate || this.priorAgeMs <= 0) return false;
    let s = this.priorStale.get(id);
    if (s === undefined) this.priorStale.set(id, (s = this.rng.fork(id).next() < 1 - Math.exp(-rate * this.priorAgeMs)));
    return s;
  }
}
