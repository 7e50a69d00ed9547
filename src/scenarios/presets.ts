import { errors } from '../core/index.ts';
import { WORDNET_GLOSSES } from '../corpus/index.ts';
import { HARDWARE_PRESETS } from '../hardware/index.ts';
import type { ScenarioInput } from './schema.ts';
import { BRIN_PAGE_INDEX_BYTES_PER_DOC } from './constants.ts';

/**
 * The 2000 and 2001 Google architectures on the bundled data. Sources:
 * - 60 shards x 20 replicas = 1200 machines, the index on disk, rebuilt about monthly: Barroso, Dean and
 *   Hölzle, "Web Search for a Planet", IEEE Micro 2003, and Jeff Dean, "Challenges in Building
 *   Large-Scale Information Retrieval Systems", WSDM 2009 keynote (the 1999-2001 serving-system slides).
 * - 2001: the same machines hold the index in RAM; queries are expanded (synonyms, plurals) to tens of
 *   terms; each query fans out to about a thousand machines (Dean, WSDM 2009).
 * - Modelled size: the number of documents whose index (Brin and Page's 1.55 KB a document) fills the
 *   usable RAM of the 1200 machines exactly, 1.35 billion, which is the history's premise ("about a
 *   billion" pages in 2000-2001); the memory layout's shard count follows from it (1200).
 * - Load: 100 queries/s per cluster, an estimate: Google's traffic around 2000-2001 was of the order of a
 *   thousand queries a second, split over several clusters that each held a full copy of the index
 *   (Barroso et al. 2003). Change it with --qps; `sweep`-style studies vary it.
 * - Expansion: at most 50 terms, added terms weighing 0.5, variants and all WordNet senses.
 */
const HW = HARDWARE_PRESETS['2001'];
const MACHINES = 1200;
const USABLE_RAM_BYTES = HW.memory.ramBytes - HW.memory.reservedBytes;
export const MODELLED_DOCS_2001 = Math.floor((MACHINES * USABLE_RAM_BYTES) / BRIN_PAGE_INDEX_BYTES_PER_DOC);
/** Memory mode: as many shards as it takes for each shard's index to fit a machine's usable RAM. */
export const MEMORY_SHARDS_2001 = Math.ceil((MODELLED_DOCS_2001 * BRIN_PAGE_INDEX_BYTES_PER_DOC) / USABLE_RAM_BYTES);

/**
 * Changes: of the order of a fifth of web pages changed every day around 2000 (Cho and Garcia-Molina,
 * "The evolution of the web and implications for an incremental crawler", VLDB 2000): 20 % of 1.35
 * billion pages a day is about 3,125 changes a second in the modelled index, played as 20 real changes
 * a second on the real shards, each costing the machines 156 modelled changes. The real shards take
 * visible changes once a second (freshness itself is measured exactly).
 */
const changes = { generate: { ratePerS: 20, skew: 1, deleteShare: 0 }, modelledRatePerS: 3125, applyEveryS: 1 };

/**
 * The era's searcher, the same on both sides: each query looks for 40,000 matching documents, split over
 * the shards, in a static order (the best first), so lists are read as prefixes (Brin and Page 1998,
 * section 4.5); and each term's list has its own web size (per-term list sizes, src/cluster/termScale.ts).
 */
const searcher = { matchBudget: 40_000 };

const workload = {
  arrival: { kind: 'poisson' as const, qps: 100 },
  queries: 3000,
  warmupQueries: 1000,
};

export const PRESETS: Record<string, ScenarioInput> = {
  'google-2000-disk': {
    name: 'google-2000-disk',
    description: '60 shards x 20 replicas of 2001 machines, posting lists on disk behind each machine\'s buffer cache; the typed terms only.',
    seed: 2001,
    corpus: WORDNET_GLOSSES,
    analyzer: { stemmer: 'none' },
    workload,
    cluster: { shards: 60, replicas: 20, mode: 'disk', hardware: '2001', modelledDocs: MODELLED_DOCS_2001, listSizes: 'per-term' },
    searcher,
    expansion: { policy: 'none' },
    slo: 'p99<500ms',
    // Rebuilt about monthly (Dean, WSDM 2009); a full build of the index: 3 days (an estimate).
    updates: { ...changes, policy: { kind: 'batch', periodDays: 30, buildHours: 72 } },
  },
  'google-2001-memory': {
    name: 'google-2001-memory',
    description: `The same machines with the index in RAM: ${MEMORY_SHARDS_2001} shards x 1 replica; queries expanded with corpus variants and WordNet synonyms to at most 50 terms.`,
    seed: 2001,
    corpus: WORDNET_GLOSSES,
    analyzer: { stemmer: 'none' },
    workload,
    cluster: { shards: MEMORY_SHARDS_2001, replicas: 1, mode: 'memory', hardware: '2001', modelledDocs: MODELLED_DOCS_2001, listSizes: 'per-term' },
    searcher,
    expansion: { policy: 'both', senses: 'all', maxTerms: 50, weight: 0.5 },
    slo: 'p99<500ms',
    // Incremental updates with about a minute from crawl to commit (an estimate of the pipeline).
    updates: { ...changes, policy: { kind: 'incremental', delayS: 45 } },
  },
};
export const PRESET_NAMES = Object.keys(PRESETS);

export function preset(name: string): ScenarioInput {
  const p = PRESETS[name];
  if (!p) throw errors.option('scenario', `a scenario file or one of the presets ${PRESET_NAMES.join(', ')}`, name);
  return structuredClone(p);
}
