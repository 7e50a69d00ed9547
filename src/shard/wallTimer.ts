/**
 * Waits in wall-clock time, for live mode only (the one place a wall clock is read: docs/ARCHITECTURE.md,
 * src/live). Node's setTimeout counts in whole milliseconds and fires late; on this project's 2-core
 * virtual machines a 5 ms timer fired 0.3-0.5 ms late at the median, 1.4-3.3 ms at the 90th percentile
 * and up to 20 ms at worst (measured 2026-12-03: a sleeping virtual CPU is slow to wake). A wait sleeps
 * on a timer until `POLL_MS` before its end and polls the last stretch with setImmediate (0.02 ms late
 * when the thread is awake), which lets messages (a worker's next request, a leaf's answer) in between
 * polls. What is left of the host's lateness shows in live latencies, and the report says how large it
 * was (the load generator's issue lateness).
 */

/** How long before a deadline the timer hands over to polling (Node's timer resolution: 1 ms). */
export const POLL_MS = 1;

/** Milliseconds on this thread's monotonic clock. */
export function wallMs(): number {
  return performance.now();
}

/** A wait on the wall clock that can be cut short. */
export class WallWait {
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private resolve: (() => void) | null = null;

  /** Resolves once `wallMs() >= untilMs` (never, for Infinity), or at `interrupt()`; one wait at a time. */
  until(untilMs: number): Promise<void> {
    this.interrupt();
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      if (untilMs < Infinity) this.step(untilMs);
    });
  }

  /** Ends the current wait now (its promise resolves). */
  interrupt(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = this.immediate = null;
    const r = this.resolve;
    this.resolve = null;
    r?.();
  }

  private step(untilMs: number): void {
    const leftMs = untilMs - wallMs();
    if (leftMs <= 0) {
      this.timer = this.immediate = null;
      const r = this.resolve;
      this.resolve = null;
      r?.();
    } else if (leftMs > POLL_MS + 0.5) {
      this.immediate = null;
      this.timer = setTimeout(() => this.step(untilMs), Math.floor(leftMs - POLL_MS));
    } else {
      this.timer = null;
      this.immediate = setImmediate(() => this.step(untilMs));
    }
  }
}

/** Resolves at `untilMs` on the wall clock (see WallWait). */
export function sleepUntil(untilMs: number): Promise<void> {
  return new WallWait().until(untilMs);
}
