import { describe, expect, it } from 'vitest';
import { WallClock } from '../../src/live/index.ts';

/** The Clock seam on the wall clock: the same ordering contract as the simulation, in real time. */
describe('WallClock', () => {
  it('runs callbacks in time order, then scheduling order, no sooner than their time', async () => {
    const clock = new WallClock();
    const seen: [string, number, number][] = [];
    for (const [name, t] of [['c', 30], ['a', 10], ['b', 10], ['d', 0]] as const) clock.at(t, () => seen.push([name, clock.nowMs, clock.wallMs]));
    await clock.advance();
    expect(seen.map((s) => s[0])).toEqual(['d', 'a', 'b', 'c']);
    for (const [, due, wall] of seen) expect(wall).toBeGreaterThanOrEqual(due);
  });

  it('reads the intended instant inside a callback however late it runs, and says how late', async () => {
    const clock = new WallClock();
    let inside = -1;
    let late = -1;
    clock.at(5, () => {
      const t = performance.now();
      while (performance.now() - t < 20) {
        // hold the thread: the next callback runs late
      }
    });
    clock.at(10, () => {
      inside = clock.nowMs;
      late = clock.lateMs;
    });
    await clock.advance();
    expect(inside).toBe(10);
    expect(late).toBeGreaterThanOrEqual(14);
    expect(clock.nowMs).toBeGreaterThanOrEqual(25); // outside callbacks: the wall clock
  });

  it('advance(until) waits until the wall clock reads it, leaving later callbacks pending', async () => {
    const clock = new WallClock();
    let ran = false;
    const later = clock.at(200, () => (ran = true));
    await clock.advance(40);
    expect(clock.wallMs).toBeGreaterThanOrEqual(40);
    expect(ran).toBe(false);
    expect(clock.cancel(later)).toBe(true);
    await clock.advance();
    expect(ran).toBe(false);
  });

  it('an advance to the end waits for work held off the queue, and for callbacks it schedules', async () => {
    const clock = new WallClock();
    let answered = -1;
    clock.at(0, () => {
      const release = clock.hold();
      setTimeout(() => {
        clock.at(clock.nowMs, () => (answered = clock.nowMs));
        release();
      }, 30);
    });
    await clock.advance();
    expect(answered).toBeGreaterThanOrEqual(29);
  });

  it('a failure ends the advance with its error, and a callback that throws fails it', async () => {
    const clock = new WallClock();
    clock.hold(); // never released: only the failure can end the run
    setTimeout(() => clock.fail(new Error('machine 3 failed')), 10);
    await expect(clock.advance()).rejects.toThrow('machine 3 failed');

    const other = new WallClock();
    other.at(1, () => {
      throw new Error('boom');
    });
    await expect(other.advance()).rejects.toThrow('boom');
  });
});
