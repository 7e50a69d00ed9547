import { RunCache } from '../scenarios/index.ts';

/** The run cache a command uses: the environment's, unless `--no-cache`. */
export function runCacheFor(o: { cache?: boolean }): RunCache | null {
  return o.cache === false ? null : RunCache.fromEnv();
}

/** ", 3 of 14 runs from the cache in DIR" when any run came from it; else nothing. */
export function cacheNote(cache: RunCache | null): string {
  if (!cache || cache.hits === 0) return '';
  return `; ${cache.hits} of ${cache.hits + cache.misses} runs read from the run cache in ${cache.dir} (--no-cache runs them again)`;
}
