import { z } from 'zod';
import type { LeafFunnel, RouterFunnel } from '../cluster/index.ts';
import { SearchsimError, errors } from '../core/index.ts';
import { COMPUTE_DEVICES, COMPUTE_DEVICE_NAMES, busyJoules, modelMsPerCandidate, type ComputeDevice, type HardwarePreset } from '../hardware/index.ts';
import { RM3_DEFAULTS, type RerankRequest } from '../index/index.ts';
import type { FunnelReport, FunnelStageRow } from '../report/index.ts';
import type { MeasuredFigures } from '../workload/index.ts';

/**
 * The ranking funnel (docs/EXPERIMENTS.md, "The ranking funnel"): a cheap first stage over the whole
 * index keeps many candidates, costlier stages keep fewer, the last one's are the answer. Stage kinds:
 * - `bm25`, first and only first, on every leaf: today's BM25 top k with k raised to its `keep`;
 * - `rm3`, on every leaf right after it: RM3 pseudo-relevance feedback re-ranking the leaf's candidates
 *   from its forward index (src/index/rerank.ts), really computed, so its quality is measured;
 * - `model`, at the root after the merge: a ranking model of a given size costed per candidate on a
 *   device (no signal is modelled: it keeps the order it is given; its cost is what it adds).
 * Each stage's `keep` is the candidates it passes on: at most what it is given.
 */
export const FUNNEL_STAGE_KINDS = ['bm25', 'rm3', 'model'] as const;
export type FunnelStageKind = (typeof FUNNEL_STAGE_KINDS)[number];

/**
 * Ranking models a final stage may cost: operations per candidate = 2 x parameters x tokens read (a
 * transformer's forward pass is about 2 operations a parameter a token: Kaplan et al., "Scaling laws for
 * neural language models", 2020, section 2.1), over a 512-token candidate.
 */
export const RANKING_MODELS: Record<string, { params: number; tokens: number; opsPerCandidate: number }> = {
  /** BERT-large, 340 M parameters (Devlin et al. 2019), as monoBERT re-ranked BM25's top 1000 (Nogueira and Cho, "Passage re-ranking with BERT", 2019). */
  'bert-large': { params: 340e6, tokens: 512, opsPerCandidate: 2 * 340e6 * 512 },
  /** A 7 B-parameter language model reading each candidate (Llama 2 7B: Touvron et al. 2023). */
  'llm-7b': { params: 7e9, tokens: 512, opsPerCandidate: 2 * 7e9 * 512 },
};
export const RANKING_MODEL_NAMES = Object.keys(RANKING_MODELS) as [string, ...string[]];

/** Candidate counts a stage may keep: a shard's top k lives in memory on one thread. */
export const MAX_STAGE_KEEP = 1_000_000;

const keep = z.number().int().min(1).max(MAX_STAGE_KEEP).describe('Candidates the stage passes on (at most what it is given).');
const split = z
  .boolean()
  .default(false)
  .describe(
    'A leaf stage\'s count split evenly over the shards (each keeps ceil(keep / shards), as the searcher\'s match budget splits), instead of every leaf keeping all of it (rank-safe: the merge then holds exactly the collection\'s best).',
  );

export const FunnelStageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bm25'), keep, split }).strict(),
  z
    .object({
      kind: z.literal('rm3'),
      keep,
      split,
      fbDocs: z.number().int().min(1).max(1000).default(RM3_DEFAULTS.fbDocs).describe('Feedback documents: the leaf\'s best candidates the relevance model is built from.'),
      fbTerms: z.number().int().min(1).max(1000).default(RM3_DEFAULTS.fbTerms).describe('Terms kept from the relevance model.'),
      originalWeight: z.number().min(0).max(1).default(RM3_DEFAULTS.originalWeight).describe('The typed query\'s share of the mixed query (1: no feedback).'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('model'),
      keep,
      model: z.enum(RANKING_MODEL_NAMES).default('bert-large').describe('Which ranking model (its operations per candidate).'),
      opsPerCandidate: z.number().positive().max(1e18).optional().describe('Operations per candidate, instead of the named model\'s.'),
      device: z.enum(['era', ...COMPUTE_DEVICE_NAMES] as [string, ...string[]]).default('era').describe('Where it runs: the era\'s machine (the hardware preset\'s CPU) or a named device (a100).'),
    })
    .strict(),
]);
export type FunnelStage = z.output<typeof FunnelStageSchema>;

/** A stage as written on the command line: kind:keep (and /split for a split leaf stage). */
export function stageLabel(s: { kind: string; keep: number; split?: boolean }): string {
  return `${s.kind}:${s.keep}${s.split ? '/split' : ''}`;
}

/**
 * What is wrong with a funnel's order and counts, each naming its stage (index and label); empty when
 * nothing is. The schema checks each stage's own fields.
 */
export function funnelProblems(stages: readonly { kind: string; keep: number }[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  if (stages.length === 0) return [{ index: -1, message: 'needs at least one stage, bm25 first' }];
  stages.forEach((s, i) => {
    const prev = stages[i - 1];
    const it = `(${stageLabel(s)})`;
    if (i === 0 && s.kind !== 'bm25') out.push({ index: i, message: `${it} must be bm25: the first stage is the one that reads the whole index` });
    if (i > 0 && s.kind === 'bm25') out.push({ index: i, message: `${it} cannot be bm25: bm25 runs only first` });
    if (s.kind === 'rm3' && prev && prev.kind !== 'bm25') out.push({ index: i, message: `${it} must come right after bm25: rm3 runs on the leaves, and after ${stageLabel(prev)} the candidates are at the root` });
    if (prev && s.keep > prev.keep) out.push({ index: i, message: `${it} keeps ${s.keep} candidates, more than the ${prev.keep} it gets from stage ${i} (${stageLabel(prev)})` });
  });
  return out;
}

/**
 * Parses `--stages "bm25:30000,rm3:1000,model:117"` into stages with their defaults; every mistake is one
 * line naming the stage.
 */
export function parseStages(text: string, option = '--stages'): FunnelStage[] {
  const parts = text.split(',').map((p) => p.trim());
  const stages = parts.map((part, i): FunnelStage => {
    const where = `${option} stage ${i + 1} ("${part}")`;
    const m = /^([a-z0-9-]+):([^/\s]+)(\/split)?$/i.exec(part);
    if (!m) throw errors.option(where, 'kind:count, such as bm25:1000 (or bm25:30000/split: the count split over the shards)', part);
    const kind = m[1].toLowerCase();
    if (!(FUNNEL_STAGE_KINDS as readonly string[]).includes(kind)) throw errors.option(`${where} kind`, FUNNEL_STAGE_KINDS.join(', '), m[1]);
    const n = Number(m[2]);
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_STAGE_KEEP)) throw errors.option(`${where} count`, `a whole number of candidates from 1 to ${MAX_STAGE_KEEP}`, m[2]);
    if (m[3] && kind === 'model') throw errors.option(`${where}`, 'a leaf stage (bm25 or rm3) to split: a model runs at the root on the merged candidates', part);
    return FunnelStageSchema.parse({ kind, keep: n, ...(m[3] ? { split: true } : {}) });
  });
  const problems = funnelProblems(stages);
  if (problems.length > 0) {
    const p = problems[0];
    throw new SearchsimError('E_OPTION', `${option} stage ${p.index + 1} ${p.message}`);
  }
  return stages;
}

/**
 * A scenario's funnel replaced by `stages`. Their model stages run the scenario's own model stage's model
 * on its device (its last one, when it has a funnel), unless `model` or `device` say otherwise.
 */
export function withStages<S extends { funnel?: FunnelStage[] }>(scenario: S, stages: readonly FunnelStage[], o: { model?: string; device?: string } = {}): S {
  const own = scenario.funnel?.filter((s): s is Extract<FunnelStage, { kind: 'model' }> => s.kind === 'model').at(-1);
  const funnel = stages.map((s): FunnelStage => {
    if (s.kind !== 'model') return s;
    const base = own ? { model: own.model, device: own.device, ...(own.opsPerCandidate !== undefined ? { opsPerCandidate: own.opsPerCandidate } : {}) } : {};
    return { ...s, ...base, ...(o.model ? { model: o.model } : {}), ...(o.device ? { device: o.device } : {}) };
  });
  return { ...scenario, funnel };
}

/** A funnel as the shards, the leaves' cost model and the router run it. */
export interface FunnelPlan {
  /** The leaves' request: k = the first stage's keep, and the re-ranker. */
  k: number;
  rerank: RerankRequest | undefined;
  leaf: LeafFunnel;
  router: RouterFunnel;
  /** Results a query returns: the last stage's keep. */
  results: number;
}

/** The device a model stage runs on: its own, or the era's machine (the preset's CPU, by name). */
export function deviceOf(stage: Extract<FunnelStage, { kind: 'model' }>, hardware: HardwarePreset): ComputeDevice {
  const name = stage.device === 'era' ? hardware.cpu.name : stage.device;
  const device = COMPUTE_DEVICES[name];
  if (!device) throw errors.option(`funnel stage ${stageLabel(stage)} device`, `a named device (${COMPUTE_DEVICE_NAMES.join(', ')}): the hardware's CPU "${name}" has no operations-a-second figure`, stage.device);
  return device;
}

/** Candidates one leaf keeps for a leaf stage: all of its count, or its even share over the shards. */
export function perLeaf(stage: { keep: number; split?: boolean }, shards: number): number {
  return stage.split ? Math.ceil(stage.keep / shards) : stage.keep;
}

export function funnelPlan(stages: readonly FunnelStage[], hardware: HardwarePreset, shards: number): FunnelPlan {
  const first = stages[0];
  if (first.kind !== 'bm25') throw errors.option('funnel stage 1', 'bm25', stageLabel(first));
  const rm3 = stages.find((s): s is Extract<FunnelStage, { kind: 'rm3' }> => s.kind === 'rm3');
  const k = perLeaf(first, shards);
  // A leaf cannot keep more than it ranked (a split first stage may give it fewer than rm3's count).
  const rerank: RerankRequest | undefined = rm3 ? { kind: 'rm3', keep: Math.min(k, perLeaf(rm3, shards)), fbDocs: rm3.fbDocs, fbTerms: rm3.fbTerms, originalWeight: rm3.originalWeight } : undefined;
  const leafKeep = rm3 ? rm3.keep : first.keep;
  const rootStages = stages
    .filter((s): s is Extract<FunnelStage, { kind: 'model' }> => s.kind === 'model')
    .map((s) => {
      const device = deviceOf(s, hardware);
      return { keep: s.keep, msPerCandidate: modelMsPerCandidate(device, s.opsPerCandidate ?? RANKING_MODELS[s.model].opsPerCandidate), watts: device.watts };
    });
  return {
    k,
    rerank,
    leaf: { candidates: k, keep: rerank ? rerank.keep : k, rerank: rm3 !== undefined, shards },
    router: { leafKeep, rootStages },
    results: stages[stages.length - 1].keep,
  };
}

/**
 * The funnel's stages in the run report, from what the run measured: the first stage's time on the
 * critical path is the critical leaf's disk reads and its core time less the re-ranker's; the
 * candidates' trip up and the merge are a row of their own; each root model its device time. Energy: the
 * re-ranker's and the models' busy power, the merge's on the root's core; the first stage the rest of the
 * query's energy (its reads and cores).
 */
export function funnelReport(
  stages: readonly FunnelStage[],
  hardware: HardwarePreset,
  figures: Pick<MeasuredFigures, 'funnelWork' | 'criticalPath' | 'latencyMs' | 'perQuery' | 'throughputQps'>,
): FunnelReport | null {
  const w = figures.funnelWork;
  if (w === null) return null;
  const path = figures.criticalPath.meanMs;
  const latency = figures.latencyMs.mean;
  const share = (ms: number) => (latency > 0 ? ms / latency : 0);
  const watts = hardware.cpu.wattsPerCore;
  const rows: FunnelStageRow[] = [];
  const rm3 = stages.find((s) => s.kind === 'rm3');
  const models = stages.filter((s): s is Extract<FunnelStage, { kind: 'model' }> => s.kind === 'model');
  const rerankJ = busyJoules(watts, w.rerankCpuMs);
  const mergeJ = busyJoules(watts, path.merge);
  const modelJ = models.map((s, i) => busyJoules(deviceOf(s, hardware).watts, w.rootMs[i] ?? 0));
  const firstMs = path.seek + path.rotation + path.transfer + path.cpu - w.criticalRerankMs;
  rows.push({
    stage: stageLabel(stages[0]),
    where: 'leaves',
    candidatesIn: null,
    candidatesOut: w.candidates,
    latencyMs: firstMs,
    latencyShare: share(firstMs),
    cpuMsPerQuery: w.firstCpuMs,
    energyJPerQuery: Math.max(0, figures.perQuery.energyJ - rerankJ - mergeJ - modelJ.reduce((a, b) => a + b, 0)),
    device: null,
    devicesBusy: null,
  });
  if (rm3) {
    rows.push({ stage: stageLabel(rm3), where: 'leaves', candidatesIn: w.candidates, candidatesOut: w.sentUp, latencyMs: w.criticalRerankMs, latencyShare: share(w.criticalRerankMs), cpuMsPerQuery: w.rerankCpuMs, energyJPerQuery: rerankJ, device: null, devicesBusy: null });
  }
  const tripMs = path.network + path.merge;
  rows.push({ stage: 'send + merge', where: 'root', candidatesIn: w.sentUp, candidatesOut: w.merged, latencyMs: tripMs, latencyShare: share(tripMs), cpuMsPerQuery: path.merge, energyJPerQuery: mergeJ, device: null, devicesBusy: null });
  models.forEach((s, i) => {
    const ms = w.rootMs[i] ?? 0;
    const out = i + 1 < models.length ? (w.rootIn[i + 1] ?? 0) : w.results;
    rows.push({ stage: stageLabel(s), where: 'root', candidatesIn: w.rootIn[i] ?? 0, candidatesOut: out, latencyMs: ms, latencyShare: share(ms), cpuMsPerQuery: ms, energyJPerQuery: modelJ[i], device: deviceOf(s, hardware).name, devicesBusy: (ms * figures.throughputQps) / 1000 });
  });
  return { stages: rows, queueingShare: figures.criticalPath.share.queueing };
}
