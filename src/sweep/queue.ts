import { createHash, randomUUID } from 'node:crypto';
import type { ConnectionOptions, Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { SearchsimError, errorFromData, errors, fromExactJson, parseExact, stringifyExact, toExactJson, type ErrorCode } from '../core/index.ts';
import type { RunSummary } from '../report/index.ts';
import { DEFAULT_TRACE, parseScenario, runFingerprint, type RunFingerprint } from '../scenarios/index.ts';
import { PoolRunner } from './pool.ts';
import { jobScenario, type PointRunner, type RunJob } from './runner.ts';

/**
 * BullMQ and ioredis load on first contact with a queue: together they are about half a second of every
 * CLI start (measured 2026-12-02), and only `--queue` and `worker` need them.
 */
type QueueLibs = Pick<typeof import('bullmq'), 'Queue' | 'QueueEvents' | 'UnrecoverableError' | 'Worker'> & { Redis: typeof Redis };
let queueLibs: QueueLibs | undefined;
async function loadQueueLibs(): Promise<QueueLibs> {
  if (!queueLibs) {
    const [{ Queue, QueueEvents, UnrecoverableError, Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
    queueLibs = { Queue, QueueEvents, UnrecoverableError, Worker, Redis };
  }
  return queueLibs;
}

/** Bump when the job payload changes shape: a worker refuses a job of another version by name. */
export const QUEUE_FORMAT_VERSION = 1;
/** The queue a sweep and its workers share when none is named. */
export const DEFAULT_QUEUE_NAME = 'searchsim';
/**
 * How long finished jobs stay in Redis (BullMQ's removeOnComplete / removeOnFail by age, in seconds):
 * a week, so a sweep stopped on Friday resumes on Monday from its finished runs; then Redis forgets them.
 */
export const KEEP_FINISHED_S = 7 * 24 * 3600;
/**
 * A worker holds a job's lock this long and renews it at half that (BullMQ's lockDuration); a worker
 * that died loses it, and the stalled-job check, run by every live worker at the same interval, puts
 * the job back in the queue: a dead worker's run is taken again within about twice this. BullMQ's default.
 */
export const DEFAULT_LOCK_MS = 30_000;
/** Times a job may lose its worker before it is failed (BullMQ's maxStalledCount): a run that kills every worker it lands on is not retried forever. */
const MAX_STALLS = 2;
/** Attempts at a run that failed for something other than a user's mistake (a worker's bug, a full disk). */
const ATTEMPTS = 2;
/** How long the first contact with Redis may take before the command gives up, instead of ioredis's retrying forever. */
const CONNECT_TIMEOUT_MS = 3000;
/** A sweep renews its mark in Redis this often and the mark lapses after three missed renewals. */
const OPEN_SWEEP_RENEW_MS = 2000;

/** Where a sweep's runs are queued: a Redis server and a queue name. */
export interface QueueAddress {
  /** The URL as the user gave it, its password hidden (for messages). */
  shown: string;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  name: string;
}

/** Parses `redis://HOST:PORT[/DB]` (host 127.0.0.1 and port 6379 when left out) and a queue name. */
export function parseQueueAddress(url: string, name = DEFAULT_QUEUE_NAME): QueueAddress {
  const expected = 'a Redis URL like redis://127.0.0.1:6379 or redis://HOST:PORT/DB';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw errors.option('--queue', expected, url);
  }
  const db = u.pathname === '' || u.pathname === '/' ? 0 : Number(u.pathname.slice(1));
  if (u.protocol !== 'redis:' || !Number.isInteger(db) || db < 0 || u.search !== '' || u.hash !== '') throw errors.option('--queue', expected, url);
  // BullMQ keys are `bull:<name>:...`: a colon in a name would run into the key's structure.
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw errors.option('--name', 'a queue name of letters, digits, _ . - (at most 100)', name);
  if (u.password) u.password = '***';
  return {
    shown: u.href,
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: new URL(url).password ? decodeURIComponent(new URL(url).password) : undefined,
    name,
  };
}

/** BullMQ's connection: commands wait for a lost Redis to come back (maxRetriesPerRequest null, which its workers require). */
function connection(a: QueueAddress): ConnectionOptions {
  return { host: a.host, port: a.port, db: a.db, username: a.username, password: a.password, maxRetriesPerRequest: null };
}

/**
 * A connection for the command's own bookkeeping, opened with bounded patience: ioredis (and so BullMQ)
 * retries a refused connection forever, so an unreachable Redis would hang the command. One attempt
 * and a PING within CONNECT_TIMEOUT_MS, else a user error naming the URL (exit 2).
 */
export async function openControl(a: QueueAddress): Promise<Redis> {
  const { Redis } = await loadQueueLibs();
  const client = new Redis({ host: a.host, port: a.port, db: a.db, username: a.username, password: a.password, lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, commandTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) comes as an event; connect() then only says "Connection is closed".
  let cause: Error | null = null;
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw errors.refused(`cannot reach Redis at ${a.shown}: ${(cause ?? (e as Error)).message || 'no answer'}`);
  }
  return client;
}

/** What a job carries: everything a run is a function of, so any worker computes the same bytes. */
export interface QueueJobData {
  formatVersion: number;
  /** The run's fingerprint key (the run cache's key): the job's id, so the same run is queued once. */
  key: string;
  /** The enqueuing searchsim's code fingerprint and input files' hashes, which a worker checks against its own. */
  code: string;
  inputs: [string, string][];
  /** The run (scenario with Infinity kept as marked strings), its seed and Poisson rate. */
  run: { scenario: unknown; baseDir: string; source: string; seed: number; qps?: number };
}

const JobDataSchema = z.strictObject({
  formatVersion: z.literal(QUEUE_FORMAT_VERSION),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  code: z.string(),
  inputs: z.array(z.tuple([z.string(), z.string()])),
  run: z.strictObject({ scenario: z.record(z.string(), z.unknown()), baseDir: z.string(), source: z.string(), seed: z.number().int(), qps: z.number().positive().optional() }),
});

/** The fingerprint of a job's run, as the run cache computes it (so the job id is the run's cache key). */
function fingerprintOf(job: RunJob): RunFingerprint | null {
  const loaded = jobScenario(job);
  return runFingerprint(loaded.scenario, loaded, { skipInvalid: false }, DEFAULT_TRACE);
}

export function encodeJob(job: RunJob): QueueJobData {
  const { scenario, baseDir, source } = job.loaded;
  const run = { scenario: toExactJson(scenario), baseDir, source, seed: job.seed, ...(job.qps !== undefined ? { qps: job.qps } : {}) };
  const fp = fingerprintOf(job);
  // An input this machine cannot read: the run itself says what is wrong, on the worker, as it would here.
  if (fp === null) return { formatVersion: QUEUE_FORMAT_VERSION, key: createHash('sha256').update(stringifyExact(run)).digest('hex'), code: '', inputs: [], run };
  return { formatVersion: QUEUE_FORMAT_VERSION, key: fp.key, code: fp.code, inputs: fp.inputs, run };
}

/**
 * A job's run, validated: a payload of another shape or version, or a scenario the schema refuses, is a
 * user error naming the job and the field (the job fails once, with it), never a crash of the worker.
 */
export function decodeJob(data: unknown, id: string): { job: RunJob; data: QueueJobData } {
  const r = JobDataSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw errors.input({ file: `queue job ${id}`, field: issue.path.join('.') || '(top level)' }, `a searchsim sweep job (format ${QUEUE_FORMAT_VERSION}): ${issue.message}`);
  }
  const d = r.data;
  const loaded = parseScenario(fromExactJson(d.run.scenario), d.run.source, d.run.baseDir);
  return { job: { loaded, seed: d.run.seed, ...(d.run.qps !== undefined ? { qps: d.run.qps } : {}) }, data: d };
}

/**
 * Refuses a job this worker would compute differently: other searchsim code, or input files with other
 * contents. The same run on the same code and files gives the same bytes, so the check is what makes a
 * distributed sweep equal to a local one.
 */
export function checkSameInputs(job: RunJob, data: QueueJobData, id: string): void {
  const mine = fingerprintOf(job);
  if (mine === null || data.code === '') return;
  if (mine.code !== data.code) throw errors.refused(`queue job ${id} was queued by other searchsim code (${data.code.slice(0, 12)}) than this worker runs (${mine.code.slice(0, 12)}): run the same version of searchsim everywhere`);
  data.inputs.forEach(([path, hash], i) => {
    if (mine.inputs[i]?.[1] !== hash) throw errors.refused(`queue job ${id} reads ${path}, whose contents differ on this worker: give every worker the same files at the same paths`);
  });
  if (mine.key !== data.key) throw errors.refused(`queue job ${id} is not the run its id names (the scenario differs): was it queued by hand?`);
}

/** A run's failure as a job's failedReason: the code first, so the sweep can tell a user's mistake (exit 2) from a bug. */
function failure(e: unknown, UnrecoverableError: typeof import('bullmq').UnrecoverableError): Error {
  if (e instanceof SearchsimError && e.isUserError) return new UnrecoverableError(`${e.code}: ${e.message}`);
  const text = e instanceof Error ? e.message : String(e);
  return new Error(`E_WORKER: ${text}`);
}

/** The error a failed job's reason stands for, worded like the local run's; BullMQ's own reasons (too many stalls) are a bug report. */
export function errorOfFailure(reason: string, what: string): SearchsimError {
  const m = /^(E_[A-Z_]+): ([\s\S]*)$/.exec(reason);
  if (m && m[1] !== 'E_WORKER') return errorFromData({ code: m[1] as ErrorCode, message: m[2] }, what);
  return errorFromData({ code: 'E_WORKER', message: m ? m[2] : reason }, what);
}

/** The key of the sorted set of sweeps collecting from a queue (member: a sweep's id, score: when its mark lapses, ms). */
function openSweepsKey(a: QueueAddress): string {
  return `bull:${a.name}:searchsim-sweeps`;
}

/** Sweeps collecting from the queue now (lapsed marks of sweeps that died are dropped first). */
export async function openSweeps(control: Redis, a: QueueAddress, nowMs: number): Promise<number> {
  await control.zremrangebyscore(openSweepsKey(a), '-inf', nowMs);
  return control.zcard(openSweepsKey(a));
}

/** This sweep's runs by state, as the queue reports them: waiting, active (on some worker), done, failed. */
export interface QueueCounts {
  waiting: number;
  active: number;
  done: number;
  failed: number;
}

type RunState = keyof QueueCounts;

interface Waiter {
  resolve(r: RunSummary): void;
  reject(e: Error): void;
}

/**
 * The `PointRunner` on a BullMQ queue: each run is a job whose id is its fingerprint (`encodeJob`), so
 * a run already finished in Redis (this sweep resumed, or another asking for the same run) is read back
 * instead of queued again, and a run asked for twice is one job. Workers on any machine (`serveQueue`)
 * take the jobs; a result is the run's summary as the worker computed it, to the bit, so the sweep's
 * report is the local sweep's. While open it keeps a mark in Redis, so workers started with
 * `untilEmpty` wait for its later runs (a load search asks for its next probe only once one is done).
 */
export class QueueRunner implements PointRunner {
  private readonly results = new Map<string, Promise<RunSummary>>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly states = new Map<string, RunState>();
  private readonly sweepId = randomUUID();
  private renew: NodeJS.Timeout | undefined;

  private constructor(
    readonly address: QueueAddress,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly control: Redis,
    private readonly nowMs: () => number,
  ) {}

  /** Connects (a one-line error if Redis cannot be reached) and marks the sweep open. */
  static async open(a: QueueAddress, nowMs: () => number = Date.now): Promise<QueueRunner> {
    const control = await openControl(a);
    const { Queue, QueueEvents } = await loadQueueLibs();
    const queue = new Queue(a.name, { connection: connection(a) });
    const events = new QueueEvents(a.name, { connection: connection(a) });
    const r = new QueueRunner(a, queue, events, control, nowMs);
    r.listen();
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    await r.markOpen();
    r.renew = setInterval(() => void r.markOpen().catch(() => {}), OPEN_SWEEP_RENEW_MS);
    r.renew.unref();
    return r;
  }

  run(job: RunJob): Promise<RunSummary> {
    const data = encodeJob(job);
    let result = this.results.get(data.key);
    if (!result) {
      result = new Promise<RunSummary>((resolve, reject) => this.waiters.set(data.key, { resolve, reject }));
      this.results.set(data.key, result);
      this.states.set(data.key, 'waiting');
      this.enqueue(data).catch((e: Error) => this.waiters.get(data.key)?.reject(e));
    }
    return result;
  }

  /** This sweep's runs by state. */
  counts(): QueueCounts {
    const c: QueueCounts = { waiting: 0, active: 0, done: 0, failed: 0 };
    for (const s of this.states.values()) c[s]++;
    return c;
  }

  async close(): Promise<void> {
    clearInterval(this.renew);
    await this.control.zrem(openSweepsKey(this.address), this.sweepId).catch(() => {});
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.control.disconnect();
  }

  private async markOpen(): Promise<void> {
    await this.control.zadd(openSweepsKey(this.address), this.nowMs() + 3 * OPEN_SWEEP_RENEW_MS, this.sweepId);
  }

  /** Queues a run, or takes up the job already there: finished (read back), failed before (tried again), or under way. */
  private async enqueue(data: QueueJobData): Promise<void> {
    const id = data.key;
    const existing = await this.queue.getJob(id);
    if (!existing) {
      await this.queue.add('run', data, { jobId: id, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: KEEP_FINISHED_S }, removeOnFail: { age: KEEP_FINISHED_S } });
      return;
    }
    const state = await existing.getState();
    if (state === 'failed') await existing.retry('failed');
    else if (state === 'completed') await this.settle(id);
    else if (state === 'active') this.setState(id, 'active');
  }

  private listen(): void {
    this.events.on('waiting', ({ jobId }) => this.setState(jobId, 'waiting'));
    this.events.on('stalled', ({ jobId }) => this.setState(jobId, 'waiting'));
    this.events.on('active', ({ jobId }) => this.setState(jobId, 'active'));
    const finished = ({ jobId }: { jobId: string }) => {
      if (this.waiters.has(jobId)) this.settle(jobId).catch((e: Error) => this.waiters.get(jobId)?.reject(e));
    };
    this.events.on('completed', finished);
    this.events.on('failed', finished);
  }

  private setState(id: string, state: RunState): void {
    if (this.waiters.has(id)) this.states.set(id, state);
  }

  /** Reads a finished job back: its summary, or its error; a job that failed but will be tried again is left waiting. */
  private async settle(id: string): Promise<void> {
    const waiter = this.waiters.get(id);
    const job = await this.queue.getJob(id);
    if (!waiter || !job) return;
    const state = await job.getState();
    if (state === 'completed') {
      this.waiters.delete(id);
      this.states.set(id, 'done');
      waiter.resolve(parseExact(job.returnvalue as string) as RunSummary);
    } else if (state === 'failed') {
      this.waiters.delete(id);
      this.states.set(id, 'failed');
      waiter.reject(errorOfFailure(job.failedReason, `queue job ${id.slice(0, 12)}`));
    }
  }
}

export interface QueueWorkerOptions {
  /** Runs at once, each on its own worker thread. */
  concurrency: number;
  /** BullMQ's lockDuration and stalledInterval (see DEFAULT_LOCK_MS). */
  lockMs?: number;
  /** Stop once no job is waiting, active or delayed and no sweep is collecting; else run until stopped. */
  untilEmpty?: boolean;
  /** Each run's end on this worker: done, or failed with its error (`final`: not to be tried again). */
  onRun?: (e: { id: string; outcome: 'done' | 'failed'; final: boolean; message?: string }) => void;
  nowMs?: () => number;
}

export interface QueueWorker {
  /** Settles when the worker has stopped (queue empty with `untilEmpty`, or `stop()`). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/** How often a worker started with `untilEmpty` looks whether the queue is empty. */
const EMPTY_POLL_MS = 500;
/** How long the queue must stay empty before such a worker stops: a sweep and its workers started together need not start in order. */
const EMPTY_GRACE_MS = 5000;

/**
 * A worker on a sweep's queue: takes jobs, runs each on a thread of its own piscina pool (so the main
 * thread stays free to renew the jobs' locks) and answers with the summary. A job whose payload or
 * scenario is malformed, or that this worker would compute differently (`checkSameInputs`), or whose
 * run fails for a user's mistake fails at once (UnrecoverableError); another failure is tried again
 * once. A job whose worker died is put back by BullMQ's stalled-job check and taken by a live worker.
 */
export async function serveQueue(a: QueueAddress, o: QueueWorkerOptions): Promise<QueueWorker> {
  const control = await openControl(a);
  const lockMs = o.lockMs ?? DEFAULT_LOCK_MS;
  if (!Number.isInteger(lockMs) || lockMs < 100) throw errors.option('--lock-ms', 'an integer of at least 100 (milliseconds)', lockMs);
  const { Queue, UnrecoverableError, Worker } = await loadQueueLibs();
  const pool = new PoolRunner(o.concurrency);
  const queue = new Queue(a.name, { connection: connection(a) });
  let busy = 0;
  const processor = async (job: Job): Promise<string> => {
    busy++;
    try {
      const { job: run, data } = decodeJob(job.data, String(job.id));
      checkSameInputs(run, data, String(job.id));
      return stringifyExact(await pool.run(run));
    } catch (e) {
      throw failure(e, UnrecoverableError);
    } finally {
      busy--;
    }
  };
  const worker = new Worker(a.name, processor, { connection: connection(a), concurrency: o.concurrency, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: MAX_STALLS });
  worker.on('completed', (job) => o.onRun?.({ id: String(job.id), outcome: 'done', final: true }));
  worker.on('failed', (job, e) => o.onRun?.({ id: String(job?.id), outcome: 'failed', final: e instanceof UnrecoverableError || (job?.attemptsMade ?? ATTEMPTS) >= ATTEMPTS, message: e.message }));
  worker.on('error', () => {}); // connection trouble: ioredis reconnects and BullMQ carries on
  let markStopped = (): void => {};
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(poll);
      await worker.close();
      await Promise.allSettled([queue.close(), pool.close()]);
      control.disconnect();
      markStopped();
    })());
  const nowMs = o.nowMs ?? Date.now;
  let emptySinceMs: number | null = null;
  const poll = setInterval(() => {
    if (!o.untilEmpty || stopping) return;
    if (busy > 0) return void (emptySinceMs = null);
    void isEmpty(queue, control, a, nowMs()).then((empty) => {
      emptySinceMs = empty ? (emptySinceMs ?? nowMs()) : null;
      if (emptySinceMs !== null && nowMs() - emptySinceMs >= EMPTY_GRACE_MS) void stop();
    }, () => {});
  }, EMPTY_POLL_MS);
  await worker.waitUntilReady();
  return { stopped, stop };
}

async function isEmpty(queue: Queue, control: Redis, a: QueueAddress, nowMs: number): Promise<boolean> {
  const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  return Object.values(c).every((n) => n === 0) && (await openSweeps(control, a, nowMs)) === 0;
}
