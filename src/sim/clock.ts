import type { SimMs } from '../core/index.ts';

/** Code run when an event fires; read `sim.nowMs` for the time. */
export type EventCallback = () => void;
/** An event callback that receives the argument it was scheduled with. */
export type ArgCallback<T> = (arg: T) => void;

/**
 * Names a scheduled event so it can be cancelled. It packs the slot and the slot's generation (how many
 * events the slot has held before), so a handle whose event already ran cancels nothing.
 */
export type EventHandle = number;


/**
 * The time a model runs on: the Clock seam. Models (the router, the machines, update policies) read the
 * time and schedule callbacks through it and never ask where the time comes from. `Simulation` is the
 * virtual implementation; a live run on real threads (wall-clock time) is the other one, and the only
 * place a wall clock may be read.
 */
export interface Clock {
  /** Milliseconds since the run started; never goes back. */
  readonly nowMs: SimMs;
  /** Runs `fn` at `timeMs` (>= nowMs); callbacks due at the same time run in scheduling order. */
  at(timeMs: SimMs, fn: EventCallback): EventHandle;
  /** Runs `fn(arg)` at `timeMs`, without a closure per event. */
  atWith<T>(timeMs: SimMs, fn: ArgCallback<T>, arg: T): EventHandle;
  /** Runs `fn` after `delayMs` (>= 0). */
  schedule(delayMs: SimMs, fn: EventCallback): EventHandle;
  /** Withdraws a pending callback; false when it already ran or was withdrawn. */
  cancel(handle: EventHandle): boolean;
}

/** A clock that a workload driver moves forward. */
export interface DrivenClock extends Clock {
  /**
   * Runs every callback due before `untilMs` (all of them, including those they schedule, when it is
   * omitted); then nowMs reads `untilMs`. The simulation does it at once; a live clock waits.
   */
  advance(untilMs?: SimMs): Promise<void>;
  /** Ends the current `advance` once the running callback returns; what is pending stays pending. */
  stop(): void;
  /** Callbacks run so far. */
  readonly processedEvents: number;
}
