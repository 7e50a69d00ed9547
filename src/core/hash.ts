/**
 * Stable 32-bit FNV-1a hash of a string's UTF-16 code units. Used to partition documents into shards: it
 * must never change between versions, or a stored layout would move documents. FNV-1a: Fowler, Noll and
 * Vo, http://www.isthe.com/chongo/tech/comp/fnv/ (offset basis 2166136261, prime 16777619).
 */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The shard (0..shardCount-1) that owns a document id. */
export function shardOf(docId: string, shardCount: number): number {
  return fnv1a32(docId) % shardCount;
}
