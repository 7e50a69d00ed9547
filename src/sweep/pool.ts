import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { errorFromData, errors } from '../core/index.ts';
import type { RunSummary } from '../report/index.ts';
import type { PointRunner, RunJob } from './runner.ts';
import type { PointReply } from './worker.ts';

/**
 * tsx's loader, resolved from here when a pool starts (resolving it while this module loads breaks
 * loading .ts files in a worker thread that imports this module).
 */
const tsxLoader = (): string => import.meta.resolve('tsx');
const WORKER_FILE = new URL('./worker.ts', import.meta.url).href;

/**
 * A sweep's runs spread over worker threads (piscina), one run at a time on each: each worker keeps the
 * shard sets it built for the runs it gets (real shards in the worker's own thread), so a layout's
 * index is built once per worker. Runs are independent and seeded, so the results do not depend on
 * which worker ran what, or in which order.
 */
export class PoolRunner implements PointRunner {
  private readonly pool: Piscina;
  readonly workers: number;

  constructor(workers = availableParallelism()) {
    if (!Number.isInteger(workers) || workers < 1) throw errors.option('--workers', 'a positive integer', workers);
    this.workers = workers;
    this.pool = new Piscina({ filename: WORKER_FILE, execArgv: ['--import', tsxLoader()], minThreads: workers, maxThreads: workers, idleTimeout: Number.POSITIVE_INFINITY });
  }

  async run(job: RunJob): Promise<RunSummary> {
    const reply = (await this.pool.run(job)) as PointReply;
    if (reply.ok) return reply.value;
    throw errorFromData(reply, 'sweep worker');
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
