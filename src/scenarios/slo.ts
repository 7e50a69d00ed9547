import { errors } from '../core/index.ts';
import type { RunReport } from '../report/index.ts';

/** A latency objective: a percentile (or the mean or max) of latency below a limit. */
export interface Slo {
  text: string;
  metric: 'p50' | 'p90' | 'p99' | 'p999' | 'mean' | 'max';
  limitMs: number;
}

/** The objective a study or a comparison uses when none is given: p99 under half a second. */
export const DEFAULT_SLO = 'p99<500ms';

/** What an objective looks like, for messages. */
export const SLO_SHAPE = 'like "p99<500ms" (p50, p90, p99, p99.9, mean or max, then < and a time in ms or s)';

/** Parses "p99<500ms", "p50 < 0.2s", "p99.9<1s", "mean<100ms"; a bad one names the --slo option. */
export function parseSlo(text: string): Slo {
  const slo = tryParseSlo(text);
  if (!slo) throw errors.option('--slo', SLO_SHAPE, text);
  return slo;
}

/** `parseSlo` without the error: null when the text is not an objective. */
export function tryParseSlo(text: string): Slo | null {
  const m = /^\s*(p50|p90|p99|p99\.9|p999|mean|max)\s*<\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$/i.exec(text);
  if (!m) return null;
  const metric = m[1].toLowerCase().replace('p99.9', 'p999') as Slo['metric'];
  const limitMs = Number(m[2]) * (m[3].toLowerCase() === 's' ? 1000 : 1);
  return { text: `${m[1].toLowerCase()}<${m[2]}${m[3].toLowerCase()}`, metric, limitMs };
}

export function meetsSlo(slo: Slo, r: RunReport): boolean {
  return r.latencyMs[slo.metric] < slo.limitMs;
}

/** Bottleneck-law capacity (Denning and Buzen, "The operational analysis of queueing network models", 1978): X / U_max. */
export function capacityQps(r: RunReport): number | null {
  const u = Math.max(r.utilisation.cpu.max, r.utilisation.disk.max);
  return u > 0 ? r.throughputQps / u : null;
}
