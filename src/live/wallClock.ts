import { invariant } from '../core/index.ts';
import { WallWait, wallMs as hostMs } from '../shard/index.ts';
import { Simulation, type ArgCallback, type DrivenClock, type EventCallback, type EventHandle } from '../sim/index.ts';

/**
 * The Clock seam's wall-clock implementation: the one place outside a worker's disk that reads real time.
 * Callbacks wait in a `Simulation`'s queue (the same ordering by time, then scheduling order) and run
 * when the wall clock reaches their time, measured from the first `advance`.
 *
 * While a callback runs, `nowMs` reads the instant it was due, not how late the host ran it: an
 * open-loop generator's arrival is its intended instant, and latency counts from there, so a late timer
 * or a busy event loop shows in the latency rather than vanishing from it (no coordinated omission).
 * Outside callbacks (a worker's answer arriving) `nowMs` reads the wall clock. `lateMs` says how late
 * the running callback is.
 *
 * Work in flight off the queue (a request on a worker thread) is announced with `hold()`, so an
 * `advance()` to the end waits for it; `fail()` ends the current `advance` with an error.
 */
export class WallClock implements DrivenClock {
  private readonly queue = new Simulation();
  private readonly wait = new WallWait();
  private originMs: number | null = null;
  private inCallback = 0;
  private holds = 0;
  private failure: Error | null = null;
  private stopRequested = false;
  private advancing = false;

  /** Wall-clock ms since the first advance (0 before it). */
  get wallMs(): number {
    return this.originMs === null ? 0 : hostMs() - this.originMs;
  }

  get nowMs(): number {
    return this.inCallback > 0 ? this.queue.nowMs : Math.max(this.queue.nowMs, this.wallMs);
  }

  /** How far behind its due instant the running callback is (0 outside callbacks). */
  get lateMs(): number {
    return this.inCallback > 0 ? Math.max(0, this.wallMs - this.queue.nowMs) : 0;
  }

  get processedEvents(): number {
    return this.queue.processedEvents;
  }

  at(timeMs: number, fn: EventCallback): EventHandle {
    const h = this.queue.at(timeMs, () => this.runCallback(fn));
    this.nudge();
    return h;
  }

  atWith<T>(timeMs: number, fn: ArgCallback<T>, arg: T): EventHandle {
    return this.at(timeMs, () => fn(arg));
  }

  schedule(delayMs: number, fn: EventCallback): EventHandle {
    return this.at(this.nowMs + delayMs, fn);
  }

  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  /** Work in flight off the queue: `advance()` to the end waits until every hold is released (once each). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      invariant(!released, 'a clock hold is released once');
      released = true;
      this.holds--;
      this.nudge();
    };
  }

  /** Ends the current (or the next) `advance` with `error`; the first failure wins. */
  fail(error: Error): void {
    this.failure ??= error;
    this.wait.interrupt();
  }

  stop(): void {
    this.stopRequested = true;
    this.wait.interrupt();
  }

  /**
   * Runs callbacks as the wall clock reaches them until it reads `untilMs` (then `nowMs` reads at least
   * that); without it, until no callback is pending and no hold is out.
   */
  async advance(untilMs = Infinity): Promise<void> {
    invariant(!this.advancing, 'WallClock.advance is not re-entrant');
    this.advancing = true;
    this.stopRequested = false;
    this.originMs ??= hostMs();
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        if (this.stopRequested) return;
        const now = this.wallMs;
        if (now >= untilMs) {
          this.queue.run(Math.max(untilMs, this.queue.nowMs));
          if (this.failure) throw this.failure;
          return;
        }
        this.queue.run(Math.max(now, this.queue.nowMs));
        if (this.failure) throw this.failure;
        const next = this.queue.peekTimeMs();
        if (next === Infinity && this.holds === 0 && untilMs === Infinity) return;
        await this.wait.until(Math.min(next, untilMs) + this.originMs);
      }
    } finally {
      this.advancing = false;
    }
  }

  private runCallback(fn: EventCallback): void {
    this.inCallback++;
    try {
      fn();
    } catch (e) {
      this.fail(e as Error);
    } finally {
      this.inCallback--;
    }
  }

  /** A new callback or a released hold may end the current wait sooner. */
  private nudge(): void {
    if (this.advancing && this.inCallback === 0) this.wait.interrupt();
  }
}
