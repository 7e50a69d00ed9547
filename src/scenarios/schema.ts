import { z } from 'zod';
import { EXPANSION_POLICIES, STEMMER_NAMES } from '../analysis/index.ts';
import { INDEX_MODES, MAX_RESULT_CACHE_ENTRIES, SELECTION_POLICIES } from '../cluster/index.ts';
import { REFRESH_POLICIES } from '../crawl/index.ts';
import { CORPUS_FORMATS, TEXT_ENCODINGS } from '../corpus/index.ts';
import { HARDWARE_PRESET_NAMES } from '../hardware/index.ts';
import { MATCH_MODES } from '../index/index.ts';
import { TRACE_FORMATS } from '../workload/index.ts';
import { SLO_SHAPE, tryParseSlo } from './slo.ts';
import { FunnelStageSchema, funnelProblems } from './funnel.ts';

const posInt = z.number().int().positive();
const posNum = z.number().positive();

// Ranges a run can be trusted over. Times are milliseconds in doubles and latencies are recorded in
// HdrHistogram as integer microseconds, exact only below 2^53 us (about 285 years): arrival rates below
// one query in twelve days, service times past a day or a lognormal shape past 5 (whose tail reaches
// e^30 times the median) take a run there, or make its clock lose its millisecond digits. Counts of
// machines, cores and clients are capped where a run would need more memory than a workstation has.
/** Machines (shards x replicas) a run models at most: each costs state the simulation keeps. */
const MAX_MACHINES = 1_000_000;
/** Queries per second: from one in about 12 days to ten million. */
export const QPS_RANGE = { min: 1e-6, max: 1e7 } as const;
const rate = z.number().min(QPS_RANGE.min).max(QPS_RANGE.max);
/** A service or think time in ms: up to a day. */
const serviceMs = z.number().positive().max(86_400_000);

const arrival = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('trace'), speedup: z.number().min(1e-6).max(1e6).optional().describe('Replay the trace this many times faster (default 1).') }).strict(),
  z.object({ kind: z.literal('fixed'), qps: rate.describe('Queries per second, evenly spaced.') }).strict(),
  z.object({ kind: z.literal('poisson'), qps: rate.describe('Mean queries per second; exponential gaps.') }).strict(),
  z
    .object({
      kind: z.literal('diurnal'),
      qps: rate.describe('Mean queries per second over a period.'),
      amplitude: z.number().min(0).max(1).optional().describe('Swing around the mean, 0-1 (default 0.5).'),
      periodS: z.number().min(1e-3).max(1e9).optional().describe('Length of one cycle in seconds (default 86400).'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('closed'),
      clients: posInt.max(1_000_000).describe('Clients, each with one query outstanding.'),
      thinkMs: z.number().min(0).max(86_400_000).describe('Mean think time between a completion and the next query.'),
      think: z.enum(['exponential', 'fixed']).optional().describe('Think-time distribution (default exponential).'),
    })
    .strict(),
]);

const service = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('index') }).strict().describe('Real shards over `corpus`: receipts timed on the modelled hardware.'),
  z.object({ kind: z.literal('exponential'), meanMs: serviceMs }).strict(),
  z.object({ kind: z.literal('deterministic'), ms: serviceMs }).strict(),
  z.object({ kind: z.literal('lognormal'), medianMs: serviceMs, sigma: z.number().min(0).max(5) }).strict(),
  z
    .object({
      kind: z.literal('mixture'),
      parts: z
        .array(z.object({ p: z.number().min(0).max(1), ms: serviceMs }).strict())
        .min(1)
        .refine((parts) => Math.abs(parts.reduce((a, x) => a + x.p, 0) - 1) <= 1e-9, {
          message: 'the probabilities p must add up to 1',
        }),
    })
    .strict(),
]);

const corpus = z.union([
  z.string().describe('A corpus file or collection folder (relative to the scenario file).'),
  z
    .object({
      path: z.string(),
      format: z.enum(CORPUS_FORMATS).optional(),
      markup: z.enum(['none', 'gcide']).optional(),
      encoding: z.enum(TEXT_ENCODINGS).optional().describe('How the bytes become text: utf8 (default; other bytes are an error), latin1, or utf8-lossy (bad bytes as U+FFFD).'),
    })
    .strict(),
]);

/**
 * A scenario file: everything a run depends on. Defaults are filled in by parsing; the JSON Schema for
 * editors (docs/scenario.schema.json) is generated from this definition.
 */
export const ScenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().default('scenario'),
    description: z.string().optional(),
    seed: z.number().int().min(0).default(1),
    corpus: corpus.optional().describe('Required when service.kind is index.'),
    analyzer: z
      .object({ stemmer: z.enum(STEMMER_NAMES as ['none', 's', 'porter']).optional(), stopWords: z.union([z.enum(['smart', 'none']), z.array(z.string())]).optional() })
      .strict()
      .optional(),
    workload: z
      .object({
        trace: z.string().min(1).optional().describe('Query trace (JSONL {"t","q"}, TSV, AOL, or topics: id:text, id:prio:text, qid<TAB>text); default: the bundled TREC 2005 queries.'),
        traceFormat: z.enum(TRACE_FORMATS).optional(),
        arrival,
        queries: posInt.max(Number.MAX_SAFE_INTEGER).default(10_000).describe('Queries in the run, warm-up included; a shorter trace is cycled.'),
        warmupQueries: z.number().int().min(0).default(0),
        k: posInt.max(10_000).default(10).describe('Hits per query.'),
        match: z.enum(MATCH_MODES).default('or'),
      })
      .strict()
      .superRefine((w, ctx) => {
        if (w.warmupQueries >= w.queries) {
          ctx.addIssue({ code: 'custom', path: ['warmupQueries'], input: w.warmupQueries, message: `must be fewer than workload.queries (${w.queries})` });
        }
      }),
    cluster: z
      .object({
        shards: posInt.max(100_000).default(1),
        replicas: posInt.max(10_000).default(1),
        coresPerMachine: posInt.max(1024).optional().describe("Default: the hardware preset's CPU."),
        disksPerMachine: posInt.max(1024).optional(),
        selection: z.enum(SELECTION_POLICIES).default('round-robin'),
        mode: z.enum(INDEX_MODES).default('memory'),
        hardware: z
          .union([z.enum(HARDWARE_PRESET_NAMES as [string, ...string[]]), z.string().regex(/\.json$/i, 'a preset name or a hardware file ending in .json')])
          .default('2001')
          .describe('A hardware preset, or a hardware file (.json, beside the scenario) such as `searchsim calibrate` writes.'),
        modelledDocs: z.number().positive().max(1e13).optional().describe('Documents in the modelled index (default: the real corpus).'),
        indexBytesPerDoc: z
          .number()
          .positive()
          .max(1e9)
          .optional()
          .describe(
            'Modelled index bytes per document (default with modelledDocs: 1550, Brin and Page 1998, 37.2 GB for 24 M pages; without: the real index\'s).',
          ),
        cacheBytes: z.number().min(0).max(1e15).optional().describe('Buffer cache per machine in disk mode (default: RAM less the reserve).'),
        listSizes: z
          .enum(['uniform', 'per-term'])
          .default('uniform')
          .describe(
            'How real posting lists stand for modelled ones: uniform (every posting and byte scaled alike) or per-term (each term its own web-size list, from SUBTLEX-US word frequencies and Brin and Page\'s format; docs/EXPERIMENTS.md).',
          ),
        shardThreads: z.number().int().min(0).max(256).optional().describe('Worker threads for the real shards (0: in the main thread).'),
      })
      .strict(),
    service: service.default({ kind: 'index' }),
    expansion: z
      .object({
        policy: z.enum(EXPANSION_POLICIES).default('none').describe('none, morph (corpus variants), synonyms (WordNet), both.'),
        senses: z.enum(['all', 'first']).default('all').describe('WordNet senses used for synonyms.'),
        maxTerms: posInt.default(50).describe('Cap on terms per query, typed ones included; typed terms are never cut, only additions.'),
        weight: z.number().gt(0).max(1).default(0.5).describe('Weight of an added term (typed terms weigh 1).'),
      })
      .strict()
      .default({ policy: 'none', senses: 'all', maxTerms: 50, weight: 0.5 }),
    searcher: z
      .object({
        matchBudget: posInt
          .max(1e12)
          .optional()
          .describe('Early termination: matching documents a query looks for, split evenly over the shards; each shard stops once it has its share (Brin and Page 1998: 40,000). Default: exhaustive, rank-safe.'),
        order: z.enum(['corpus', 'static-rank']).optional().describe('Documents in each shard as the corpus has them, or best first by a seeded static order (default static-rank with a match budget or tiers).'),
        firstTierShare: z.number().gt(0).max(1).optional().describe('Two tiers per shard: this share of the documents, the best by static order, first; the rest read only when too few matched.'),
      })
      .strict()
      .optional(),
    funnel: z
      .array(FunnelStageSchema)
      .optional()
      .describe('A ranking funnel (docs/EXPERIMENTS.md, "The ranking funnel"): bm25 first on the leaves, then rm3 re-ranking on the leaves, then model stages at the root; each keeps at most what it gets, and the last one\'s are the answer (instead of workload.k).'),
    router: z
      .object({
        deadlineMs: posNum
          .max(86_400_000)
          .optional()
          .describe('Answer a query this long after it reached the router with the shards answered by then (coverage below 1); the leaves still out are cancelled.'),
        hedge: z
          .object({
            afterMs: z
              .union([z.number().min(0).max(86_400_000), z.literal('p95')])
              .describe('Send a second copy of a leaf request not answered after this delay, or after the observed 95th percentile of leaf latency (Dean and Barroso 2013).'),
            maxExtraShare: z.number().min(0).max(1).default(0.1).describe('Second copies at most this share of first ones.'),
          })
          .strict()
          .optional(),
        tie: z
          .object({
            afterMs: z.number().min(0).max(86_400_000).default(0).describe('The second copy leaves this long after the first (the paper: twice the network message delay).'),
            messageMs: z.number().min(0).max(86_400_000).default(0.1).describe("The cancellation's trip between the two leaves (the paper: about one network message delay)."),
          })
          .strict()
          .optional()
          .describe('Tied requests: every leaf request goes to two replicas; the copy that starts first cancels its twin (Dean and Barroso 2013).'),
        canaries: z
          .object({
            count: posInt.max(1000).default(1).describe('Shards a query goes to first; it fans out once they answer.'),
            maxCrashes: posInt.max(1000).default(2).describe('Canaries that may crash before the query is refused.'),
          })
          .strict()
          .optional()
          .describe('Canary requests against queries of death (Dean and Barroso 2013).'),
        probation: z
          .object({
            factor: z.number().gt(1).max(1e6).default(3).describe("A machine whose mean leaf latency exceeds this many times its shard's other replicas' leaves rotation."),
            forMs: posNum.max(86_400_000).default(1000).describe('How long it stays out before it is tried again.'),
            minSamples: posInt.max(1e6).default(20).describe('Answers a machine gives before it is judged (again).'),
          })
          .strict()
          .optional()
          .describe('Latency-induced probation (Dean and Barroso 2013): a much slower machine is taken out of its shard rotation for a while.'),
        resultCache: z
          .object({
            entries: posInt.max(MAX_RESULT_CACHE_ENTRIES).describe('Answers kept, least recently used out first.'),
            maxAgeS: posNum.max(1e9).optional().describe('An answer computed longer ago than this is not served (default: kept until evicted, or flushed when a batch index goes live).'),
          })
          .strict()
          .optional()
          .describe('A result cache in front of the router (the 1999 design): a repeated query is answered without fanning out; flushed when a batch index goes live.'),
      })
      .strict()
      .optional()
      .describe('Tail tolerance at the router (docs/EXPERIMENTS.md, "The price of fan-out").'),
    faults: z
      .object({
        slowMachines: z
          .object({
            share: z.number().min(0).max(1).describe('Share of the machines, chosen by the seed, that are slow.'),
            factor: z.number().min(1).max(1e6).describe('How many times slower they serve.'),
          })
          .strict()
          .optional(),
        stalls: z
          .object({
            everyMs: posNum.max(1e15).describe('Each machine stalls this often (a seeded phase per machine).'),
            forMs: posNum.max(1e15).describe('For this long: background work takes every core, queued behind what runs.'),
          })
          .strict()
          .optional()
          .describe('Periodic background work (The Tail at Scale: daemons, compactions, garbage collection).'),
        failures: z
          .object({
            mtbfMs: posNum.max(1e15).describe('Mean time between failures of each machine (exponential, seeded).'),
            mttrMs: posNum.max(1e15).describe('Mean time to repair (exponential).'),
          })
          .strict()
          .optional(),
        outages: z
          .array(
            z
              .object({
                machine: z.number().int().min(0).describe('Machine m is shard floor(m / replicas), replica m % replicas.'),
                atMs: z.number().min(0).max(1e15).describe('When it fails, from the start of the run.'),
                forMs: posNum.max(1e15).describe('How long it stays down.'),
              })
              .strict(),
          )
          .optional()
          .describe('Failures at given times.'),
        queriesOfDeath: z
          .object({
            share: z.number().min(0).max(1).describe('Share of the queries (a seeded choice) that crash every machine running them.'),
            repairMs: posNum.max(1e15).describe('How long a crashed machine takes to come back.'),
          })
          .strict()
          .optional(),
        detectionMs: z.number().min(0).max(1e9).optional().describe('How long the router takes to notice a machine down or back (default 0).'),
      })
      .strict()
      .optional(),
    slo: z
      .string()
      .refine((t) => tryParseSlo(t) !== null, { message: `must be ${SLO_SHAPE}` })
      .optional()
      .describe('Service-level objective for studies and comparisons, e.g. "p99<500ms".'),
    updates: z
      .object({
        trace: z.string().optional().describe('Update trace: JSONL {"t","op":"upsert"|"delete","id","text"?}.'),
        generate: z
          .object({
            ratePerS: posNum.describe('Real changes per second applied to the real shards.'),
            skew: z.number().min(0).default(1).describe('Zipf exponent of per-document change rates.'),
            deleteShare: z.number().min(0).max(1).default(0),
          })
          .strict()
          .optional(),
        modelledRatePerS: posNum.optional().describe('Changes per second in the modelled index: each real change costs this over the real rate.'),
        applyEveryS: z
          .number()
          .min(0)
          .default(0)
          .describe('0: the real shards take each change at its visibility instant; else in batches this many seconds apart.'),
        policy: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('incremental'), delayS: z.number().min(0).default(60).describe('Crawl-to-commit pipeline delay.') }).strict(),
          z
            .object({
              kind: z.literal('batch'),
              periodDays: posNum.default(30).describe('A rebuild starts every period.'),
              buildHours: z.number().min(0).default(72).describe('Building the whole index (an estimate).'),
              phaseDays: z.number().min(0).optional().describe('Days into the cycle when the run starts (default half a period).'),
            })
            .strict(),
        ]),
      })
      .strict()
      .optional(),
    crawl: z
      .object({
        budgetFetchesPerSecond: z.number().min(0).max(1e12).describe('Fetches a second the crawler may spend on the modelled index (each real page stands for modelled / real pages).'),
        policy: z.enum(REFRESH_POLICIES).default('importance-optimal').describe('uniform, proportional (to change rate), optimal (Cho and Garcia-Molina 2003, average freshness), importance-optimal, hints.'),
        importance: z
          .union([
            z.enum(['static-rank', 'uniform']),
            z
              .object({
                classes: z
                  .array(z.object({ share: z.number().min(0).max(1), weight: z.number().min(0).max(1e12) }).strict())
                  .min(1)
                  .refine((cs) => Math.abs(cs.reduce((a, c) => a + c.share, 0) - 1) <= 1e-9, { message: 'must be a distribution: the shares must add up to 1' }),
              })
              .strict(),
          ])
          .default('static-rank')
          .describe('A page\'s importance: static-rank (a seeded power-law prior in the searcher\'s static order), uniform, or classes of pages (shares adding up to 1) with their weights.'),
        hintShare: z.number().min(0).max(1).default(0).describe('Share of changes announced by a hint (a sitemap); the hints policy fetches them at once.'),
        hintDelayS: z.number().min(0).max(1e9).default(0).describe('From an announced change to its fetch.'),
        measureDays: posNum.max(3650).default(30).describe('Days of crawling the freshness figures average over.'),
      })
      .strict()
      .optional()
      .describe('Recrawl scheduling under a crawl budget (docs/EXPERIMENTS.md, "Recrawl scheduling"); needs updates.generate, the change law.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.workload.arrival.kind === 'trace' && s.workload.trace === undefined) {
      // The bundled TREC 2005 queries carry no times.
      ctx.addIssue({ code: 'custom', path: ['workload', 'trace'], input: undefined, message: 'required when workload.arrival.kind is "trace" (a trace whose queries carry times)' });
    }
    if (s.searcher?.firstTierShare !== undefined && s.searcher.order === 'corpus') {
      ctx.addIssue({ code: 'custom', path: ['searcher', 'order'], input: 'corpus', message: 'must be "static-rank" with tiers (the first tier holds the best documents)' });
    }
    if (s.crawl && !s.updates?.generate) {
      ctx.addIssue({ code: 'custom', path: ['crawl'], input: undefined, message: 'needs updates.generate (the pages\' change rates)' });
    }
    if (s.funnel) for (const p of funnelProblems(s.funnel)) ctx.addIssue({ code: 'custom', path: p.index >= 0 ? ['funnel', p.index] : ['funnel'], input: undefined, message: p.message });
    const machines = s.cluster.shards * s.cluster.replicas;
    if (machines > MAX_MACHINES) {
      ctx.addIssue({ code: 'custom', path: ['cluster', 'replicas'], input: s.cluster.replicas, message: `makes ${machines} machines with ${s.cluster.shards} shards; at most ${MAX_MACHINES} are modelled` });
    }
  });

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** The scenario JSON Schema (draft 2020-12), for editors. */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioSchema, { io: 'input' });
}
