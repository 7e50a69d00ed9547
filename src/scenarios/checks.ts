import { errors } from '../core/index.ts';
import type { LoadedScenario } from './load.ts';

/**
 * The studies grow queries (expansion) or stream changes into real shards (update rates): neither has
 * anything to work on with a synthetic service, whose leaf time is a draw with no terms and no index.
 * Refused before any work, naming the option and the scenario.
 */
export function requireIndexService(loaded: LoadedScenario, option: string, value: string): void {
  const kind = loaded.scenario.service.kind;
  if (kind === 'index') return;
  throw errors.option(option, `used with service.kind "index" (queries run on real shards; ${loaded.source} has service.kind "${kind}", a synthetic time with no query terms or index)`, value);
}

/**
 * Sections a synthetic service ignores, when the scenario sets them: a synthetic time stands for the
 * whole leaf request, so no corpus is indexed, no query grows, no posting list is read from disk and no
 * change is applied. One warning lists them all; empty for the index service.
 */
export function ignoredSections(loaded: LoadedScenario): string | null {
  const s = loaded.scenario;
  if (s.service.kind === 'index') return null;
  const c = s.cluster;
  const ignored = [
    s.corpus !== undefined && 'corpus',
    s.analyzer !== undefined && 'analyzer',
    s.expansion.policy !== 'none' && 'expansion',
    s.updates !== undefined && 'updates',
    s.workload.match !== 'or' && 'workload.match',
    c.mode === 'disk' && 'cluster.mode "disk"',
    c.cacheBytes !== undefined && 'cluster.cacheBytes',
    c.disksPerMachine !== undefined && 'cluster.disksPerMachine',
    c.modelledDocs !== undefined && 'cluster.modelledDocs',
    c.indexBytesPerDoc !== undefined && 'cluster.indexBytesPerDoc',
    c.shardThreads !== undefined && 'cluster.shardThreads',
  ].filter((x): x is string => typeof x === 'string');
  if (ignored.length === 0) return null;
  return `${loaded.source}: service.kind "${s.service.kind}" ignores ${ignored.join(', ')} (a synthetic service time stands for the whole leaf request)`;
}
