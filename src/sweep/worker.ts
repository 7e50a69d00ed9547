import { errorData, type ErrorData } from '../core/index.ts';
import type { RunSummary } from '../report/index.ts';
import { RunContext, simulate } from '../scenarios/index.ts';
import { jobScenario, summarise, type RunJob } from './runner.ts';

/** What a sweep worker answers: a run's summary, or its error as data (class and code do not survive a thread). */
export type PointReply = { ok: true; value: RunSummary } | ({ ok: false } & ErrorData);

/** The shard sets this worker built, kept for the runs that follow (real shards in this thread). */
const ctx = new RunContext();

/** The piscina entry point: one run, one reply; never throws. */
export default async function run(job: RunJob): Promise<PointReply> {
  try {
    return { ok: true, value: summarise(await simulate(jobScenario(job), { threads: 0 }, ctx)) };
  } catch (e) {
    return { ok: false, ...errorData(e) };
  }
}
