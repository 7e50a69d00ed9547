import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/sim/index.ts';

/** Schedules labelled events and records "label@time" as each runs: the whole trace is the assertion. */
function tracer(sim: Simulation) {
  const trace: string[] = [];
  const mark = (label: string) => () => trace.push(`${label}@${sim.nowMs}`);
  return { trace, mark };
}

describe('Simulation', () => {
  it('runs events in time order, and events at the same time in the order they were scheduled', () => {
    const sim = new Simulation();
    const { trace, mark } = tracer(sim);
    sim.schedule(5, mark('a'));
    sim.schedule(1, mark('b'));
    sim.at(5, mark('c'));
    sim.schedule(0, mark('d'));
    sim.schedule(5, mark('e'));
    sim.run();
    expect(trace).toEqual(['d@0', 'b@1', 'a@5', 'c@5', 'e@5']);
  });

  it('runs an event scheduled for now, from inside an event, after the events already due now', () => {
    const sim = new Simulation();
    const { trace, mark } = tracer(sim);
    sim.schedule(2, () => {
      trace.push(`first@${sim.nowMs}`);
      sim.schedule(0, mark('spawned'));
    });
    sim.schedule(2, mark('second'));
    sim.run();
    expect(trace).toEqual(['first@2', 'second@2', 'spawned@2']);
  });

  it('stops before events due at untilMs and leaves the clock there', () => {
    const sim = new Simulation();
    const { trace, mark } = tracer(sim);
    for (const t of [1, 2, 3, 4]) sim.schedule(t, mark(`t${t}`));
    expect(sim.run(3)).toBe(2);
    expect(trace).toEqual(['t1@1', 't2@2']);
    expect(sim.nowMs).toBe(3);
    expect(sim.pendingEvents).toBe(2);
    expect(sim.run(10)).toBe(2);
    expect(trace).toEqual(['t1@1', 't2@2', 't3@3', 't4@4']);
    expect(sim.nowMs).toBe(10);
  });

  it('keeps the clock at the last event when run() drains every event', () => {
    const sim = new Simulation();
    sim.schedule(7.5, () => {});
    sim.run();
    expect(sim.nowMs).toBe(7.5);
    expect(sim.pendingEvents).toBe(0);
  });

  it('counts processed events across run() and step()', () => {
    const sim = new Simulation();
    for (let i = 0; i < 5; i++) sim.schedule(i, () => {});
    expect(sim.step()).toBe(true);
    expect(sim.processedEvents).toBe(1);
    expect(sim.nowMs).toBe(0);
    sim.run();
    expect(sim.processedEvents).toBe(5);
    expect(sim.step()).toBe(false);
  });

  it('returns from run() after the current event when stop() is called', () => {
    const sim = new Simulation();
    const { trace, mark } = tracer(sim);
    sim.schedule(1, mark('a'));
    sim.schedule(2, () => {
      trace.push(`stopper@${sim.nowMs}`);
      sim.stop();
    });
    sim.schedule(3, mark('c'));
    sim.run(100);
    expect(trace).toEqual(['a@1', 'stopper@2']);
    expect(sim.nowMs).toBe(2);
    sim.run();
    expect(trace).toEqual(['a@1', 'stopper@2', 'c@3']);
  });

  it('cancels a pending event, and a cancel after the event ran does nothing', () => {
    const sim = new Simulation();
    const { trace, mark } = tracer(sim);
    const a = sim.schedule(1, mark('a'));
    const b = sim.schedule(2, mark('b'));
    expect(sim.cancel(b)).toBe(true);
    expect(sim.cancel(b)).toBe(false);
    expect(sim.pendingEvents).toBe(1);
    sim.run();
    expect(trace).toEqual(['a@1']);
    expect(sim.processedEvents).toBe(1);
    // The slot of `a` is reused by the next event; the old handle must not cancel it.
    sim.schedule(1, mark('c'));
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    expect(trace).toEqual(['a@1', 'c@2']);
  });

  it('skips a cancelled event at the head without moving the clock to it', () => {
    const sim = new Simulation();
    const handle = sim.schedule(5, () => {});
    sim.schedule(8, () => {});
    sim.cancel(handle);
    expect(sim.peekTimeMs()).toBe(8);
    expect(sim.step()).toBe(true);
    expect(sim.nowMs).toBe(8);
  });

  it('runs a self-rescheduling event many times, advancing the clock each time', () => {
    const sim = new Simulation();
    let fired = 0;
    const tick = () => {
      fired++;
      if (fired < 100_000) sim.schedule(1, tick);
    };
    sim.schedule(1, tick);
    sim.run();
    expect(fired).toBe(100_000);
    expect(sim.nowMs).toBe(100_000);
    expect(sim.processedEvents).toBe(100_000);
  });

  it('refuses a negative or non-finite delay, a time in the past, and a run that ends in the past', () => {
    const sim = new Simulation();
    sim.schedule(10, () => {});
    sim.run();
    expect(() => sim.schedule(-1, () => {})).toThrow('Simulation.schedule: delayMs must be finite and >= 0, got -1');
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow('got NaN');
    expect(() => sim.at(9, () => {})).toThrow('Simulation.at: timeMs must be finite and >= nowMs (10), got 9');
    expect(() => sim.run(5)).toThrow('Simulation.run: untilMs must be >= nowMs (10), got 5');
  });

  it('refuses to run() or step() from inside an event', () => {
    const sim = new Simulation();
    let error: unknown;
    sim.schedule(1, () => {
      try {
        sim.run();
      } catch (e) {
        error = e;
      }
    });
    sim.run();
    expect(String(error)).toContain('Simulation.run called from inside an event');
  });
});
