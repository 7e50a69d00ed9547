export { DEFAULT_BM25, Bm25Scorer, idf, validateBm25 } from './bm25.ts';
export type { Bm25Params, CollectionStats } from './bm25.ts';
export { ByteWriter, readVarint } from './bytes.ts';
export { BLOCK_SIZE, END_DOC, PostingCursor, encodePostings } from './postings.ts';
export { analyzeQuery, mergeTerms, MATCH_MODES, RM3_DEFAULTS, resultCount } from './query.ts';
export type { MatchMode, RerankRequest, SearchRequest, WeightedTerm } from './query.ts';
export { SEGMENT_FORMAT_VERSION, Segment, SegmentBuilder } from './segment.ts';
export { ShardGroup } from './shardGroup.ts';
export type { ShardInfo } from './shardGroup.ts';
export { ShardIndex, planQuery, sumStats } from './shardIndex.ts';
export type { AnalyzedDoc, GlobalStats, QueryPlan, ShardIndexOptions, ShardResult, ShardStats } from './shardIndex.ts';
export {
  DENSE_CANDIDATES,
  DENSE_DECODED,
  DENSE_FORWARD,
  DENSE_HITS,
  GroupWorkWriter,
  RECORD_HEAD,
  TERM_TRIPLE,
  WORK_HEAD,
  denseWork,
  packWork,
  recordCandidates,
  recordDecoded,
  recordForward,
  recordHits,
  recordTerms,
  tripleAt,
  unpackWork,
  withHitIds,
  workStride,
} from './receipt.ts';
export type { QueryWork, Receipt } from './receipt.ts';
export { LocalShards } from './localShards.ts';
export { StatsCache, batchTerms, globalStatsFor, loadShards, mergeShardResults, validateSpec } from './shardSet.ts';
export type { QueryResult, ShardSet, ShardSetSpec } from './shardSet.ts';
export { applyUpdates, routeUpdates } from './updates.ts';
export type { UpdateOp, UpdateResult } from './updates.ts';
export { DEFAULT_DISK_CACHE_BYTES, DiskStore, MemoryStore, createStore, makeStorageDir } from './storage.ts';
export type { PostingStore, StorageSpec } from './storage.ts';
export { TopK, compareHits, mergeTopK, ranksBefore } from './topk.ts';
export type { Hit } from './topk.ts';
