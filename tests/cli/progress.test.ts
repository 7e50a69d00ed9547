import { describe, expect, it } from 'vitest';
import { progressBar, progressEveryMs, ticker } from '../../src/cli/progress.ts';

/** A sink with a clock the test moves. */
function recorder(isTTY: boolean): { sink: { isTTY: boolean; write(s: string): void; now(): number }; out: string[]; advance(ms: number): void } {
  let t = 0;
  const out: string[] = [];
  return { sink: { isTTY, write: (s) => out.push(s), now: () => t }, out, advance: (ms) => (t += ms) };
}

describe('progress', () => {
  it('prints a plain line every interval when stderr is not a terminal, with the time left', () => {
    const r = recorder(false);
    const bar = progressBar('simulating', r.sink, 5000);
    bar.update(100, 1000);
    r.advance(4000);
    bar.update(200, 1000);
    expect(r.out).toEqual([]);
    r.advance(1000);
    bar.update(250, 1000);
    r.advance(100);
    bar.update(260, 1000);
    expect(r.out).toEqual(['searchsim: simulating: 250 of 1,000 queries (25.0 %), 5 s elapsed, about 15 s left\n']);
    bar.end();
    expect(r.out).toHaveLength(1);
  });
  it('names what it counts: a sweep counts points, not queries', () => {
    const r = recorder(false);
    const bar = progressBar('sweeping', r.sink, 1000, 'points');
    r.advance(2000);
    bar.update(20, 50);
    expect(r.out).toEqual(['searchsim: sweeping: 20 of 50 points (40.0 %), 2 s elapsed, about 3 s left\n']);
  });
  it('counts the runs of a study as its progress starts over', () => {
    const r = recorder(false);
    const bar = progressBar('simulating', r.sink, 1000);
    bar.update(1000, 1000);
    r.advance(1000);
    bar.update(10, 1000);
    expect(r.out[0]).toMatch(/^searchsim: simulating \(run 2\): 10 of 1,000 queries/);
  });
  it('draws a bar in place on a terminal, after the first second', () => {
    const r = recorder(true);
    const bar = progressBar('simulating', r.sink, 5000);
    bar.update(1, 2);
    r.advance(1500);
    bar.update(1, 2);
    bar.end();
    expect(r.out[0]).toMatch(/^\rsimulating \[#{15}\.{15}\]  50% 1\/2$/);
    expect(r.out[1]).toMatch(/^\r +\r$/);
  });
  it('takes its interval from SEARCHSIM_PROGRESS_S, 5 s by default', () => {
    expect(progressEveryMs({})).toBe(5000);
    expect(progressEveryMs({ SEARCHSIM_PROGRESS_S: '0.5' })).toBe(500);
    expect(progressEveryMs({ SEARCHSIM_PROGRESS_S: 'soon' })).toBe(5000);
  });
  it('ticks while a step without progress of its own runs, and stops', async () => {
    const r = recorder(false);
    const t = ticker('indexing', r.sink, 20);
    for (let waited = 0; r.out.length < 2 && waited < 5000; waited += 10) await new Promise((res) => setTimeout(res, 10));
    t.stop();
    const n = r.out.length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(r.out[0]).toBe('searchsim: indexing: 0 s elapsed\n');
    await new Promise((res) => setTimeout(res, 50));
    expect(r.out).toHaveLength(n);
  });
});
