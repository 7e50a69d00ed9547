import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StationBank, type StationListener } from '../../src/cluster/index.ts';

/** A listener that writes down what it is told. */
function listener() {
  const log = { moved: [] as [number, number][], failed: [] as [number, number][] };
  const l: StationListener = {
    moved: (token, endMs) => void log.moved.push([token, endMs]),
    failed: (token, atMs) => void log.failed.push([token, atMs]),
  };
  return { l, log };
}

describe('StationBank', () => {
  it('is FCFS by Lindley: a customer starts at max(arrival, earliest free server)', () => {
    const b = new StationBank(1, 2);
    expect([b.serve(0, 0, 10), b.serve(0, 1, 10), b.serve(0, 2, 10), b.serve(0, 25, 1)]).toEqual([10, 11, 20, 26]);
  });

  describe('with a listener (tracking)', () => {
    it('gives exactly the plain bank\'s times when nothing leaves early', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0, max: 20, noNaN: true })), { maxLength: 80 }),
          (servers, customers) => {
            const plain = new StationBank(3, servers);
            const tracked = new StationBank(3, servers, listener().l);
            let t = 0;
            for (const [station, gap, service] of customers) {
              t += gap;
              expect(tracked.serve(station, t, service, 1)).toBe(plain.serve(station, t, service));
            }
            for (let s = 0; s < 3; s++) expect(tracked.busyMs[s]).toBe(plain.busyMs[s]);
          },
        ),
      );
    });

    it('a waiting request that is cancelled leaves the queue: the one behind it starts when the server frees', () => {
      // One server. A (0..10), B (arrives 1, waits, 10..20), C (arrives 2, 20..30). B leaves at 5.
      const { l, log } = listener();
      const b = new StationBank(1, 1, l);
      b.serve(0, 0, 10, 0);
      b.serve(0, 1, 10, 1);
      const B = b.lastRecord;
      b.serve(0, 2, 10, 2);
      const C = b.lastRecord;
      expect(b.cancel(B, 5)).toBe(true);
      expect(log.moved).toEqual([[2, 20]]);
      expect(b.endOf(C)).toBe(20);
      // The next arrival queues behind C.
      expect(b.serve(0, 6, 1)).toBe(21);
      expect(b.busyMs[0]).toBe(10 + 10 + 1);
    });

    it('a running request that is cancelled frees its server at once: the next one starts then', () => {
      // A (0..10) is cancelled at 4: B, waiting since 1, runs 4..14, C 14..24.
      const { l, log } = listener();
      const b = new StationBank(1, 1, l);
      b.serve(0, 0, 10, 0);
      const A = b.lastRecord;
      b.serve(0, 1, 10, 1);
      const B = b.lastRecord;
      b.serve(0, 2, 10, 2);
      expect(b.cancel(A, 4)).toBe(true);
      expect(log.moved).toEqual([
        [1, 14],
        [2, 24],
      ]);
      expect(b.endOf(B)).toBe(14);
      // A served 4 ms of its 10.
      expect(b.busyMs[0]).toBe(4 + 10 + 10);
    });

    it('on two servers, a departure lets the earliest waiting request take the freed server', () => {
      // Servers X, Y. A 0..10 on X, B 0..30 on Y, C (arrives 1) 10..20 on X, D (arrives 2) 20..25 on X.
      // A leaves at 3: C takes X at 3 (ends 13), D follows on X at 13 (ends 18).
      const { l, log } = listener();
      const b = new StationBank(1, 2, l);
      b.serve(0, 0, 10, 0);
      const A = b.lastRecord;
      b.serve(0, 0, 30, 1);
      b.serve(0, 1, 10, 2);
      b.serve(0, 2, 5, 3);
      expect(b.cancel(A, 3)).toBe(true);
      expect(log.moved).toEqual([
        [2, 13],
        [3, 18],
      ]);
    });

    it('keeps a long queue (hundreds waiting) and moves every request behind a departure', () => {
      const { l, log } = listener();
      const b = new StationBank(1, 1, l);
      for (let i = 0; i < 500; i++) b.serve(0, 0, 1, i);
      const last = b.lastRecord;
      b.cancel(0, 0);
      expect(log.moved).toHaveLength(499);
      expect(b.endOf(last)).toBe(499);
    });

    it('cancelling a request that has ended changes nothing', () => {
      const { l, log } = listener();
      const b = new StationBank(1, 1, l);
      b.serve(0, 0, 10, 0);
      const A = b.lastRecord;
      b.serve(0, 1, 10, 1);
      expect(b.cancel(A, 10)).toBe(false);
      expect(log.moved).toEqual([]);
    });

    it('a station that goes down fails what it runs and queues, takes nothing until up, then serves from then', () => {
      const { l, log } = listener();
      const b = new StationBank(2, 1, l);
      b.serve(0, 0, 10, 0);
      b.serve(0, 1, 10, 1);
      b.serve(1, 1, 10, 7);
      b.down(0, 5);
      expect(log.failed).toEqual([
        [0, 5],
        [1, 5],
      ]);
      expect(b.isUp(0)).toBe(false);
      expect(b.isUp(1)).toBe(true);
      // Five ms of A were served; B never started.
      expect(b.busyMs[0]).toBe(5);
      expect(() => b.serve(0, 6, 1)).toThrow(/station that is up/);
      b.up(0, 8);
      expect(b.serve(0, 9, 1)).toBe(10);
      // The other station never noticed.
      expect(log.failed.some(([t]) => t === 7)).toBe(false);
    });
  });

  it('a plain bank refuses to cancel: it tracks nothing', () => {
    const b = new StationBank(1, 1);
    b.serve(0, 0, 1);
    expect(() => b.cancel(0, 0)).toThrow(/without a listener/);
  });
});
