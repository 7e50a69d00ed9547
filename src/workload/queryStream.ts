import type { PreparedQuery } from '../cluster/index.ts';
import type { SourcedQuery } from './source.ts';

/** Turns a chunk of query texts into prepared queries (real receipts, or nothing for synthetic service). */
export interface Preparer {
  prepare(texts: readonly string[], firstSeq: number): Promise<PreparedQuery[]>;
}

/** A preparer for synthetic service: queries carry no index work. */
export const blankPreparer: Preparer = {
  async prepare(texts, firstSeq) {
    // A synthetic query's answer depends on its text alone.
    return texts.map((text, i) => ({ seq: firstSeq + i, termCount: 0, termKeys: new Int32Array(0), work: null, resultKey: text }));
  },
};

/**
 * The workload's queries, read from their source and prepared in chunks, numbered in order: at most
 * `total`, fewer when the source ends first. Drivers take chunks from it; memory stays bounded by a few
 * chunks whatever the trace length.
 */
export class QueryStream {
  private readonly it: AsyncIterator<SourcedQuery>;
  /** Queries prepared so far: the next one's `seq`. */
  prepared = 0;
  private read = 0;
  /** Whether the source has ended. */
  exhausted = false;

  constructor(
    source: AsyncIterable<SourcedQuery>,
    private readonly preparer: Preparer,
    readonly total: number,
    readonly chunk: number,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** The next sourced query, or null when the workload has no more (its total reached or the source ended). */
  async nextSourced(): Promise<SourcedQuery | null> {
    if (this.exhausted || this.read >= this.total) return null;
    const r = await this.it.next();
    if (r.done) {
      this.exhausted = true;
      return null;
    }
    this.read++;
    return r.value;
  }

  /** Prepares sourced queries as the next ones in order. */
  async prepare(sourced: readonly SourcedQuery[]): Promise<PreparedQuery[]> {
    const prepared = await this.preparer.prepare(
      sourced.map((s) => s.q),
      this.prepared,
    );
    this.prepared += prepared.length;
    this.onProgress?.(this.prepared, this.total);
    return prepared;
  }

  /** Reads and prepares the next chunk (empty at the end). */
  async nextChunk(): Promise<{ prepared: PreparedQuery[]; sourced: SourcedQuery[] }> {
    const sourced: SourcedQuery[] = [];
    while (sourced.length < this.chunk) {
      const s = await this.nextSourced();
      if (s === null) break;
      sourced.push(s);
    }
    return { prepared: await this.prepare(sourced), sourced };
  }
}
