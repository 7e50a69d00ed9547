import type { Analyzer } from '../analysis/index.ts';
import { shardOf } from '../core/index.ts';
import type { ShardIndex } from './shardIndex.ts';

/** A change to the collection. */
export type UpdateOp = { op: 'upsert'; id: string; title?: string; text: string } | { op: 'delete'; id: string };

export interface UpdateResult {
  applied: number;
  /** Deletes of ids that were not in the collection: counted and reported, never fatal. */
  unknownDeletes: string[];
  /**
   * Every term whose document frequency these changes may have moved (the terms of documents added,
   * replaced or deleted): a statistics cache forgets only these, not every term it knew.
   */
  changedTerms: string[];
}

/** Groups update operations by owning shard, keeping their order. */
export function routeUpdates(ops: readonly UpdateOp[], shardCount: number): Map<number, UpdateOp[]> {
  const by = new Map<number, UpdateOp[]>();
  for (const op of ops) {
    const s = shardOf(op.id, shardCount);
    let l = by.get(s);
    if (!l) by.set(s, (l = []));
    l.push(op);
  }
  return by;
}

/** Applies one shard's operations in order: runs of upserts become one delta segment. */
export function applyUpdates(index: ShardIndex, analyzer: Analyzer, ops: readonly UpdateOp[], onTerm?: (term: string) => void, changed = new Set<string>()): UpdateResult {
  const unknownDeletes: string[] = [];
  let pending: { id: string; terms: string[] }[] = [];
  const flush = () => {
    index.upsert(pending, changed);
    pending = [];
  };
  for (const op of ops) {
    if (op.op === 'upsert') {
      const terms = analyzer.terms(op.title ? `${op.title}\n${op.text}` : op.text);
      if (onTerm) for (const t of terms) onTerm(t);
      pending.push({ id: op.id, terms });
    } else {
      // A pending upsert of the same id must land before its delete.
      if (pending.some((p) => p.id === op.id)) flush();
      unknownDeletes.push(...index.delete([op.id], changed));
    }
  }
  flush();
  return { applied: ops.length - unknownDeletes.length, unknownDeletes, changedTerms: [...changed] };
}

