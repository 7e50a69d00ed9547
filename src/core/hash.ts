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

/**
 * A document's place in a seeded static order (a stand-in for a static rank such as PageRank where the
 * corpus has none): the 32-bit finalizer of MurmurHash3 (Appleby, public domain) over the id's FNV-1a
 * hash mixed with the seed, so the order is a fixed pseudo-random permutation per seed, unrelated to the
 * shard the id falls in. Higher comes first.
 */
export function staticRankKey(docId: string, seed: number): number {
  let h = (fnv1a32(docId) ^ Math.imul(seed | 0, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
