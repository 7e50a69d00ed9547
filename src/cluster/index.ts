export { Cluster, INDEX_MODES } from './cluster.ts';
export type { ClusterOptions, IndexMode, QueryOutcome } from './cluster.ts';
export { SELECTION_POLICIES, replicaSelector } from './selection.ts';
export type { ReplicaSelector, SelectionPolicy } from './selection.ts';
export { IndexServiceModel, SyntheticServiceModel, newLeafDemand } from './service.ts';
export type { IndexScale, LeafCpuCost, LeafDemand, PreparedQuery, ServiceModel, SyntheticService } from './service.ts';
export { Outstanding, StationBank } from './stations.ts';
export { ByteLru, LruCacheBuffer } from './bufferCache.ts';
export type { BufferCache } from './bufferCache.ts';
