/**
 * The discrete-event simulation kernel: a virtual clock and a set of pending callbacks ordered by
 * (time, scheduling order). Nothing here sleeps or reads a wall clock; a run's result depends only on
 * what was scheduled, so the same model and seed replay identically on any host (docs/DESIGN.md section 2).
 *
 * Events are plain callbacks. Each pending callback lives in a slot of an array; the pending-event set (a
 * ladder queue, see ladderQueue.ts) carries the slot number as its payload. Slots are recycled once their event has run, so a long run with a
 * bounded number of pending events allocates a bounded number of slots.
 */
import { invariant, type SimMs } from '../core/index.ts';
import type { ArgCallback, DrivenClock, EventCallback, EventHandle } from './clock.ts';

export type { ArgCallback, EventCallback, EventHandle };
import { LadderQueue } from './ladderQueue.ts';

/** 2^26 slots: at most about 67 million events pending at once. */
const SLOT_LIMIT = 0x4000000;
/** 2^27 generations per slot, so a handle (slot + generation * 2^26) stays below 2^53. A stale handle
 * could only hit a later event after its slot was reused 2^27 times. */
const GENERATION_LIMIT = 0x8000000;

const SETTLED: Promise<void> = Promise.resolve();

/** Out of line so that schedule() builds no message unless the check fails. */
function failTime(what: string, expected: string, value: number): never {
  invariant(false, `${what} must be ${expected}, got ${value}`);
}

/** The virtual implementation of the Clock seam (clock.ts). */
export class Simulation implements DrivenClock {
  private readonly heap = new LadderQueue(1024);
  /** Callback per slot; null once run or cancelled. */
  private readonly callbacks: (EventCallback | ArgCallback<never> | null)[] = [];
  /** The argument of each slot's callback (`atWith`), so hot paths schedule without a closure. */
  private readonly args: unknown[] = [];
  /** Generation of each slot (see EventHandle); grows with `callbacks`. */
  private generations = new Int32Array(1024);
  /** Stack of free slots: freeSlots[0..freeCount-1]. */
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private clockMs: SimMs = 0;
  private processed = 0;
  /** Cancelled events still sitting in the heap (dropped when they reach the top). */
  private cancelledInHeap = 0;
  private running = false;
  private stopRequested = false;

  /** Current virtual time in milliseconds; starts at 0 and never goes back. */
  get nowMs(): SimMs {
    return this.clockMs;
  }

  /** Events run so far (cancelled events are not counted). */
  get processedEvents(): number {
    return this.processed;
  }

  /** Events scheduled and neither run nor cancelled. */
  get pendingEvents(): number {
    return this.heap.size - this.cancelledInHeap;
  }

  /** Time of the next event that will run; Infinity when none is pending. */
  peekTimeMs(): SimMs {
    this.dropCancelledTop();
    return this.heap.peekTimeMs();
  }

  /** Runs `fn` after `delayMs` (>= 0) of virtual time. Events due at the same time run in scheduling order. */
  schedule(delayMs: SimMs, fn: EventCallback): EventHandle {
    if (!(delayMs >= 0 && delayMs < Infinity)) failTime('Simulation.schedule: delayMs', 'finite and >= 0', delayMs);
    return this.insert(this.clockMs + delayMs, fn);
  }

  /** Runs `fn` at absolute virtual time `timeMs` (>= nowMs). */
  at(timeMs: SimMs, fn: EventCallback): EventHandle {
    if (!(timeMs >= this.clockMs && timeMs < Infinity)) {
      failTime('Simulation.at: timeMs', `finite and >= nowMs (${this.clockMs})`, timeMs);
    }
    return this.insert(timeMs, fn);
  }

  /**
   * Runs `fn(arg)` at absolute virtual time `timeMs`: like `at`, without allocating a closure per event
   * (a model can pass one long-lived function and a pooled record).
   */
  atWith<T>(timeMs: SimMs, fn: ArgCallback<T>, arg: T): EventHandle {
    if (!(timeMs >= this.clockMs && timeMs < Infinity)) failTime('Simulation.atWith: timeMs', `>= nowMs (${this.clockMs})`, timeMs);
    const h = this.insert(timeMs, fn as ArgCallback<never>);
    this.args[h % SLOT_LIMIT] = arg;
    return h;
  }

  /**
   * Withdraws a pending event. Returns true if it was pending, false if it had already run or been
   * cancelled (then nothing happens).
   */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_LIMIT;
    const generation = (handle - slot) / SLOT_LIMIT;
    if (!(slot >= 0 && slot < this.callbacks.length)) return false;
    if (this.generations[slot] !== generation || this.callbacks[slot] === null) return false;
    this.callbacks[slot] = null;
    this.cancelledInHeap++;
    return true;
  }

  /**
   * Runs events in (time, scheduling order) while they are due strictly before `untilMs` (SimPy 3's
   * convention: an event at exactly `untilMs` stays pending, so consecutive runs cover [t0, t1), [t1, t2)
   * without overlap). Then the clock reads `untilMs`. Without `untilMs`, runs until no event is pending
   * and the clock stays at the last event. `stop()` ends the run after the current event.
   * Returns the number of events run by this call.
   */
  run(untilMs: SimMs = Infinity): number {
    invariant(!this.running, 'Simulation.run called from inside an event');
    if (!(untilMs >= this.clockMs)) failTime('Simulation.run: untilMs', `>= nowMs (${this.clockMs})`, untilMs);
    const heap = this.heap;
    const callbacks = this.callbacks;
    const before = this.processed;
    this.running = true;
    this.stopRequested = false;
    try {
      while (heap.size > 0) {
        const timeMs = heap.peekTimeMs();
        if (timeMs >= untilMs) break;
        const slot = heap.pop();
        const fn = callbacks[slot];
        const args = this.args;
        const arg = args[slot];
        // release(slot) written out: V8 inlines callees into this loop only while a cumulative budget
        // of bytecode lasts, and the model's own callback (schedule, push, the Rng draw) needs it more
        // (hold model: 45 -> 42 ns an event, benchmarks/sim-vs-simpy.ts).
        callbacks[slot] = null;
        args[slot] = undefined;
        const generations = this.generations;
        generations[slot] = (generations[slot] + 1) & (GENERATION_LIMIT - 1);
        this.freeSlots[this.freeCount++] = slot;
        if (fn === null) {
          this.cancelledInHeap--;
          continue;
        }
        this.clockMs = timeMs;
        this.processed++;
        (fn as ArgCallback<unknown>)(arg);
        if (this.stopRequested) break;
      }
      if (!this.stopRequested && untilMs !== Infinity) this.clockMs = untilMs;
    } finally {
      this.running = false;
    }
    return this.processed - before;
  }

  /** `run` for a workload driver (the Clock seam): the same, as a promise already settled. */
  advance(untilMs: SimMs = Infinity): Promise<void> {
    this.run(untilMs);
    return SETTLED;
  }

  /** Runs the next pending event, if any. Returns false when none was pending. */
  step(): boolean {
    invariant(!this.running, 'Simulation.step called from inside an event');
    this.dropCancelledTop();
    if (this.heap.size === 0) return false;
    const timeMs = this.heap.peekTimeMs();
    const slot = this.heap.pop();
    const fn = this.callbacks[slot] as ArgCallback<unknown>;
    const arg = this.args[slot];
    this.release(slot);
    this.clockMs = timeMs;
    this.processed++;
    this.running = true;
    try {
      fn(arg);
    } finally {
      this.running = false;
    }
    return true;
  }

  /** Makes the current `run()` return once the running event finishes; pending events stay pending. */
  stop(): void {
    this.stopRequested = true;
  }

  private insert(timeMs: SimMs, fn: EventCallback | ArgCallback<never>): EventHandle {
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.newSlot();
    this.callbacks[slot] = fn;
    this.heap.push(timeMs, slot);
    return this.generations[slot] * SLOT_LIMIT + slot;
  }

  /** A slot never used before (no free one left); out of line so that `insert` stays small. */
  private newSlot(): number {
    const slot = this.callbacks.length;
    invariant(slot < SLOT_LIMIT, 'Simulation: more than 2^26 events pending at once');
    this.callbacks.push(null);
    this.args.push(undefined);
    if (slot === this.generations.length) this.growSlots();
    return slot;
  }

  /** Frees a slot whose heap entry has been popped; its next event gets a new generation. */
  private release(slot: number): void {
    this.callbacks[slot] = null;
    this.args[slot] = undefined;
    this.generations[slot] = (this.generations[slot] + 1) & (GENERATION_LIMIT - 1);
    this.freeSlots[this.freeCount++] = slot;
  }

  private growSlots(): void {
    const capacity = this.generations.length * 2;
    const generations = new Int32Array(capacity);
    generations.set(this.generations);
    this.generations = generations;
    const freeSlots = new Int32Array(capacity);
    freeSlots.set(this.freeSlots);
    this.freeSlots = freeSlots;
  }

  private dropCancelledTop(): void {
    while (this.heap.size > 0 && this.callbacks[this.heap.peekPayload()] === null) {
      this.release(this.heap.pop());
      this.cancelledInHeap--;
    }
  }
}
