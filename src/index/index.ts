export { DEFAULT_BM25, Bm25Scorer, idf, validateBm25 } from './bm25.ts';
export type { Bm25Params, CollectionStats } from './bm25.ts';
export { ByteWriter, readVarint } from './bytes.ts';
export { BLOCK_SIZE, END_DOC, PostingCursor, encodePostings } from './postings.ts';
export { analyzeQuery, mergeTerms, MATCH_MODES } from './query.ts';
export type { MatchMode, SearchRequest, WeightedTerm } from './query.ts';
export { SEGMENT_FORMAT_VERSION, Segment, SegmentBuilder } from './segment.ts';
export { ShardGroup } from './shardGroup.ts';
export { ShardIndex, WORK_HEAD, sumStats, workStride } from './shardIndex.ts';
export type { AnalyzedDoc, GlobalStats, Receipt, ShardIndexOptions, ShardResult, ShardStats } from './shardIndex.ts';
export {
  LocalShards,
  applyUpdates,
  batchTerms,
  globalStatsFor,
  loadShards,
  mergeShardResults,
  routeUpdates,
  validateSpec,
  RECORD_HEAD,
  denseWork,
  packWork,
  unpackWork,
  withHitIds,
} from './shardSet.ts';
export type { QueryResult, QueryWork, ShardInfo, ShardSet, ShardSetSpec, UpdateOp, UpdateResult } from './shardSet.ts';
export { DEFAULT_DISK_CACHE_BYTES, DiskStore, MemoryStore, createStore, makeStorageDir } from './storage.ts';
export type { PostingStore, StorageSpec } from './storage.ts';
export { TopK, compareHits, mergeTopK, ranksBefore } from './topk.ts';
export type { Hit } from './topk.ts';
