import type { RunReport, RunSummary } from '../report/index.ts';
import { RunContext, simulate, type LoadedScenario } from '../scenarios/index.ts';

/** One run a sweep asks for: a scenario, with its seed and (for a load search) its Poisson rate. */
export interface RunJob {
  loaded: LoadedScenario;
  seed: number;
  /** Poisson arrivals at this rate instead of the scenario's arrivals. */
  qps?: number;
}

/**
 * Where a sweep's runs run: the seam between the search and the cores. `LocalRunner` runs them one after
 * another in this thread; `PoolRunner` (pool.ts) spreads them over worker threads. A run's summary is
 * the same bytes whichever ran it.
 */
export interface PointRunner {
  run(job: RunJob): Promise<RunSummary>;
  close(): Promise<void>;
}

/** The scenario of a job: its seed, and Poisson arrivals at its rate. */
export function jobScenario(job: RunJob): LoadedScenario {
  const s = structuredClone(job.loaded.scenario);
  s.seed = job.seed;
  if (job.qps !== undefined) s.workload.arrival = { kind: 'poisson', qps: job.qps };
  return { ...job.loaded, scenario: s };
}

export function summarise(r: RunReport): RunSummary {
  const { p50, p90, p99, p999, max, mean } = r.latencyMs;
  return {
    seed: r.scenario.seed,
    offeredQps: r.offeredQps,
    throughputQps: r.throughputQps,
    latencyMs: { p50, p90, p99, p999, max, mean },
    utilisation: { cpu: { mean: r.utilisation.cpu.mean, max: r.utilisation.cpu.max }, disk: { mean: r.utilisation.disk.mean, max: r.utilisation.disk.max } },
    meanTerms: r.expansion?.meanTerms ?? null,
    seeksPerQuery: r.perQuery.seeks,
  };
}

/** Runs in this thread, one at a time, sharing shard sets between runs (real shards in worker threads). */
export class LocalRunner implements PointRunner {
  private readonly ctx = new RunContext();
  constructor(private readonly threads?: number) {}
  async run(job: RunJob): Promise<RunSummary> {
    return summarise(await simulate(jobScenario(job), { threads: this.threads }, this.ctx));
  }
  close(): Promise<void> {
    return this.ctx.close();
  }
}
