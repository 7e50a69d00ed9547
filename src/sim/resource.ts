/**
 * A FIFO multi-server resource: `servers` identical servers in front of one first-come-first-served
 * queue (Kendall's G/G/c/FCFS). It models a machine's CPU cores, a disk arm (servers = 1) or a network
 * link. A request holds one server for its whole service time; it is not preempted.
 *
 * The resource also integrates, over virtual time, how many servers are busy and how many requests
 * wait, so utilisation and mean queue length are exact time averages, not samples.
 */
import { errors, invariant, type SimMs } from '../core/index.ts';
import type { Simulation } from './simulation.ts';

/** Called when a request's service ends, with the times it started and ended service. */
export type ServiceDone = (startMs: SimMs, endMs: SimMs) => void;
/** Called when a request leaves the queue and takes a server. */
export type ServiceStart = (startMs: SimMs) => void;

/** Names one request to a resource (so a request still waiting can be cancelled). */
export type RequestTicket = number;

export interface ResourceOptions {
  /** Number of identical servers, a positive integer (e.g. CPU cores; 1 for a disk arm). */
  servers: number;
  /** Used in error messages and reports. Default "resource". */
  name?: string;
}

const INITIAL_QUEUE_CAPACITY = 16;

export class Resource {
  readonly name: string;
  readonly servers: number;
  private readonly sim: Simulation;

  // The waiting queue: a ring buffer indexed by ticket (ticket & mask), holding tickets head..tail-1.
  // A request that finds a free server takes a ticket too and is dequeued at once (the queue is always
  // empty when a server is free), so tickets are in arrival order and map straight to ring positions.
  private queueServiceMs: Float64Array;
  private queueEnqueuedMs: Float64Array;
  /** null marks a cancelled request, skipped when it reaches the head. */
  private queueOnDone: (ServiceDone | null)[];
  private queueOnStart: (ServiceStart | undefined)[];
  private mask: number;
  private head = 0;
  private tail = 0;

  private busy = 0;
  private waiting = 0;

  // Statistics since the last resetStats(): time integrals of busy servers and waiting requests.
  private statsStartMs: SimMs;
  private lastChangeMs: SimMs;
  private busyIntegralMs = 0;
  private waitingIntegralMs = 0;
  private startedCount = 0;
  private completedCount = 0;
  private totalWaitMs = 0;
  private maxWaiting = 0;

  constructor(sim: Simulation, options: ResourceOptions) {
    const name = options.name ?? 'resource';
    if (!Number.isInteger(options.servers) || options.servers < 1) {
      throw errors.option(`${name}.servers`, 'a positive integer', options.servers);
    }
    this.sim = sim;
    this.name = name;
    this.servers = options.servers;
    this.queueServiceMs = new Float64Array(INITIAL_QUEUE_CAPACITY);
    this.queueEnqueuedMs = new Float64Array(INITIAL_QUEUE_CAPACITY);
    this.queueOnDone = new Array<ServiceDone | null>(INITIAL_QUEUE_CAPACITY).fill(null);
    this.queueOnStart = new Array<ServiceStart | undefined>(INITIAL_QUEUE_CAPACITY).fill(undefined);
    this.mask = INITIAL_QUEUE_CAPACITY - 1;
    this.statsStartMs = sim.nowMs;
    this.lastChangeMs = sim.nowMs;
  }

  /**
   * Asks for one server for `serviceMs`. If a server is free the request starts now (and `onStart`
   * runs before `request` returns); otherwise it waits behind every earlier request. `onDone` runs when
   * service ends. The next waiting request takes the freed server before `onDone` runs, so work that
   * `onDone` submits queues behind requests already waiting.
   */
  request(serviceMs: SimMs, onDone: ServiceDone, onStart?: ServiceStart): RequestTicket {
    invariant(
      serviceMs >= 0 && serviceMs < Infinity,
      'Resource.request: serviceMs must be finite and >= 0',
    );
    const ticket = this.tail++;
    if (this.busy < this.servers) {
      // Free server implies empty queue: the ticket is dequeued as it is issued.
      this.head = this.tail;
      this.start(serviceMs, onDone, onStart, this.sim.nowMs);
      return ticket;
    }
    if (this.tail - this.head > this.mask + 1) this.growQueue();
    this.accumulate();
    const pos = ticket & this.mask;
    this.queueServiceMs[pos] = serviceMs;
    this.queueEnqueuedMs[pos] = this.sim.nowMs;
    this.queueOnDone[pos] = onDone;
    this.queueOnStart[pos] = onStart;
    this.waiting++;
    if (this.waiting > this.maxWaiting) this.maxWaiting = this.waiting;
    return ticket;
  }

  /**
   * Withdraws a request that is still waiting (a tied request whose twin started elsewhere, say).
   * Returns false, and changes nothing, if it already started or was cancelled.
   */
  cancel(ticket: RequestTicket): boolean {
    if (!(ticket >= this.head && ticket < this.tail)) return false;
    const pos = ticket & this.mask;
    if (this.queueOnDone[pos] === null) return false;
    this.accumulate();
    this.queueOnDone[pos] = null;
    this.queueOnStart[pos] = undefined;
    this.waiting--;
    return true;
  }

  /** Servers serving a request now. */
  get busyServers(): number {
    return this.busy;
  }

  /** Requests waiting for a server now (not counting those in service). */
  get queueLength(): number {
    return this.waiting;
  }

  /** Requests at the resource now: waiting plus in service. */
  get inSystem(): number {
    return this.waiting + this.busy;
  }

  /** Requests that started service since the last `resetStats()`. */
  get started(): number {
    return this.startedCount;
  }

  /** Requests that finished service since the last `resetStats()`. */
  get completed(): number {
    return this.completedCount;
  }

  /** Longest queue (waiting requests) seen since the last `resetStats()`. */
  get maxQueueLength(): number {
    return this.maxWaiting;
  }

  /** Server-milliseconds of service delivered since the last `resetStats()`, up to now. */
  busyTimeMs(): SimMs {
    return this.busyIntegralMs + this.busy * (this.sim.nowMs - this.lastChangeMs);
  }

  /** Fraction of server capacity used since the last `resetStats()` (0 when no time has passed). */
  utilisation(): number {
    const elapsedMs = this.sim.nowMs - this.statsStartMs;
    return elapsedMs > 0 ? this.busyTimeMs() / (this.servers * elapsedMs) : 0;
  }

  /** Time-average number of waiting requests since the last `resetStats()`. */
  meanQueueLength(): number {
    const elapsedMs = this.sim.nowMs - this.statsStartMs;
    if (elapsedMs <= 0) return 0;
    return (this.waitingIntegralMs + this.waiting * (this.sim.nowMs - this.lastChangeMs)) / elapsedMs;
  }

  /** Time-average number of requests at the resource (waiting plus in service): L in Little's law. */
  meanInSystem(): number {
    const elapsedMs = this.sim.nowMs - this.statsStartMs;
    return elapsedMs > 0 ? this.meanQueueLength() + this.busyTimeMs() / elapsedMs : 0;
  }

  /** Mean time from request to start of service, over requests started since the last `resetStats()`. */
  meanWaitMs(): SimMs {
    return this.startedCount > 0 ? this.totalWaitMs / this.startedCount : 0;
  }

  /**
   * Starts a new measurement window now (to drop a warm-up period). The requests in progress and
   * waiting are kept; only the statistics restart.
   */
  resetStats(): void {
    this.statsStartMs = this.sim.nowMs;
    this.lastChangeMs = this.sim.nowMs;
    this.busyIntegralMs = 0;
    this.waitingIntegralMs = 0;
    this.startedCount = 0;
    this.completedCount = 0;
    this.totalWaitMs = 0;
    this.maxWaiting = this.waiting;
  }

  private start(
    serviceMs: SimMs,
    onDone: ServiceDone,
    onStart: ServiceStart | undefined,
    enqueuedMs: SimMs,
  ): void {
    const startMs = this.sim.nowMs;
    this.accumulate();
    this.busy++;
    this.startedCount++;
    this.totalWaitMs += startMs - enqueuedMs;
    this.sim.schedule(serviceMs, () => this.finish(startMs, onDone));
    if (onStart !== undefined) onStart(startMs);
  }

  private finish(startMs: SimMs, onDone: ServiceDone): void {
    this.accumulate();
    this.busy--;
    this.completedCount++;
    this.startNextWaiting();
    onDone(startMs, this.sim.nowMs);
  }

  private startNextWaiting(): void {
    while (this.head < this.tail) {
      const pos = this.head & this.mask;
      this.head++;
      const onDone = this.queueOnDone[pos];
      if (onDone === null) continue; // cancelled while waiting
      const onStart = this.queueOnStart[pos];
      this.queueOnDone[pos] = null;
      this.queueOnStart[pos] = undefined;
      this.waiting--;
      this.start(this.queueServiceMs[pos], onDone, onStart, this.queueEnqueuedMs[pos]);
      return;
    }
  }

  /** Adds the time since the last change to the integrals; call before busy or waiting changes. */
  private accumulate(): void {
    const nowMs = this.sim.nowMs;
    const dtMs = nowMs - this.lastChangeMs;
    if (dtMs > 0) {
      this.busyIntegralMs += this.busy * dtMs;
      this.waitingIntegralMs += this.waiting * dtMs;
      this.lastChangeMs = nowMs;
    }
  }

  /** Doubles the ring, keeping every ticket at position ticket & mask. */
  private growQueue(): void {
    const capacity = (this.mask + 1) * 2;
    const mask = capacity - 1;
    const serviceMs = new Float64Array(capacity);
    const enqueuedMs = new Float64Array(capacity);
    const onDone = new Array<ServiceDone | null>(capacity).fill(null);
    const onStart = new Array<ServiceStart | undefined>(capacity).fill(undefined);
    for (let ticket = this.head; ticket < this.tail - 1; ticket++) {
      const from = ticket & this.mask;
      const to = ticket & mask;
      serviceMs[to] = this.queueServiceMs[from];
      enqueuedMs[to] = this.queueEnqueuedMs[from];
      onDone[to] = this.queueOnDone[from];
      onStart[to] = this.queueOnStart[from];
    }
    this.queueServiceMs = serviceMs;
    this.queueEnqueuedMs = enqueuedMs;
    this.queueOnDone = onDone;
    this.queueOnStart = onStart;
    this.mask = mask;
  }
}
