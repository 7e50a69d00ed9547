import { SLICE, yieldToEventLoop, type ReplayRun } from './driver.ts';
import type { OpenArrivals } from './arrivals.ts';

/**
 * Open loop: every arrival is fixed in advance, whatever the cluster does, and latency runs from it. The
 * next chunk is prepared on the shard workers while this one is simulated; the simulation runs in slices
 * and yields between them, so the preparation's own steps (read the trace, the statistics round, the
 * search round) proceed meanwhile. Results do not depend on this interleaving.
 */
export async function driveOpenLoop(run: ReplayRun, arrivals: OpenArrivals): Promise<void> {
  const clock = run.clock;
  let pending = run.queries.nextChunk();
  for (;;) {
    const { prepared, sourced } = await pending;
    if (prepared.length === 0) break;
    pending = run.queries.nextChunk();
    // If this chunk's run fails (a live machine's error), the next chunk is never awaited: its own
    // failure then must not surface as an unhandled rejection. Awaited, it still throws.
    pending.catch(() => {});
    const times = prepared.map((q, i) => {
      const t = Math.max(arrivals.next(sourced[i].tS, sourced[i].where), clock.nowMs);
      clock.at(t, () => run.arrive(q));
      return t;
    });
    for (let i = SLICE; i < times.length; i += SLICE) {
      await clock.advance(times[i]);
      await yieldToEventLoop();
    }
    await clock.advance(times[times.length - 1]);
  }
  await clock.advance();
}
