import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/index.ts';
import { EventHeap, LadderQueue } from '../../src/sim/index.ts';

/**
 * The naive reference: a list kept sorted by time, a new entry placed after every entry with the same
 * time (so equal times leave in push order), popped from the front.
 */
class SortedListReference {
  private entries: { timeMs: number; payload: number }[] = [];
  private head = 0;
  push(timeMs: number, payload: number): void {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].timeMs <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, { timeMs, payload });
  }
  peekTimeMs(): number {
    return this.size > 0 ? this.entries[this.head].timeMs : Infinity;
  }
  peekPayload(): number {
    return this.entries[this.head].payload;
  }
  pop(): { timeMs: number; payload: number } {
    const e = this.entries[this.head++];
    if (e === undefined) throw new Error('empty');
    if (this.head > 4096) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return e;
  }
  get size(): number {
    return this.entries.length - this.head;
  }
}

/** What the kernel needs of its pending-event set; EventHeap and LadderQueue both provide it. */
interface PendingEvents {
  push(timeMs: number, payload: number): void;
  peekTimeMs(): number;
  peekPayload(): number;
  pop(): number;
  clear(): void;
  readonly size: number;
}

// The ladder also runs with buckets of at most 2 events, so that small inputs already take every path:
// spawning rungs, pushes into deep rungs, a long Bottom turned into a rung.
const impls: [string, string, (capacity?: number) => PendingEvents][] = [
  ['EventHeap', 'EventHeap', (c) => new EventHeap(c)],
  ['LadderQueue', 'LadderQueue', (c) => new LadderQueue(c)],
  ['LadderQueue, 2-event buckets', 'LadderQueue', (c) => new LadderQueue(c, 2)],
];

describe.each(impls)('pending-event set contract: %s', (_label, name, make) => {
  it('pops in time order', () => {
    const heap = make();
    for (const [t, p] of [[5, 0], [1, 1], [3, 2], [0.5, 3], [4, 4]]) heap.push(t, p);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    expect(out).toEqual([3, 1, 2, 4, 0]);
  });

  it('pops entries with equal times in push order', () => {
    const heap = make();
    for (let p = 0; p < 100; p++) heap.push(p % 3, p);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    const expected = [0, 1, 2].flatMap((t) => Array.from({ length: 100 }, (_, p) => p).filter((p) => p % 3 === t));
    expect(out).toEqual(expected);
  });

  it('grows past its initial capacity', () => {
    const heap = make(2);
    for (let i = 999; i >= 0; i--) heap.push(i, i);
    expect(heap.size).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      expect(heap.peekTimeMs()).toBe(i);
      expect(heap.pop()).toBe(i);
    }
  });

  it('reports Infinity as the next time when empty and refuses to pop', () => {
    const heap = make();
    expect(heap.peekTimeMs()).toBe(Infinity);
    expect(() => heap.pop()).toThrow(`${name}.pop on an empty`);
  });

  it('refuses a time that is NaN or infinite', () => {
    const heap = make();
    expect(() => heap.push(Number.NaN, 0)).toThrow(`${name}.push: time must be finite`);
    expect(() => heap.push(Infinity, 0)).toThrow(`${name}.push: time must be finite`);
  });

  it('agrees with a sorted-list reference on any sequence of pushes and pops (property)', () => {
    // Times drawn from a small set so that ties, the case the sequence number decides, are common;
    // size 'max' because fast-check otherwise keeps arrays to about ten elements, too few to grow the heap.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), timeMs: fc.integer({ min: 0, max: 20 }).map((t) => t / 4) }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400, size: 'max' }), (ops) => {
        const heap = make(1);
        const reference = new SortedListReference();
        let payload = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            heap.push(o.timeMs, payload);
            reference.push(o.timeMs, payload);
            payload++;
          } else if (reference.size > 0) {
            const expected = reference.pop();
            expect(heap.peekTimeMs()).toBe(expected.timeMs);
            expect(heap.pop()).toBe(expected.payload);
          }
          expect(heap.size).toBe(reference.size);
        }
        while (reference.size > 0) {
          const expected = reference.pop();
          expect(heap.peekTimeMs()).toBe(expected.timeMs);
          expect(heap.pop()).toBe(expected.payload);
        }
        expect(heap.peekTimeMs()).toBe(Infinity);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the reference on continuous random times (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300, size: 'max' }), (times) => {
        const heap = make(1);
        const reference = new SortedListReference();
        times.forEach((t, i) => {
          heap.push(t, i);
          reference.push(t, i);
        });
        while (reference.size > 0) expect(heap.pop()).toBe(reference.pop().payload);
      }),
    );
  });

  it('restarts empty after clear()', () => {
    const heap = make();
    heap.push(1, 1);
    heap.push(2, 2);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.peekTimeMs()).toBe(Infinity);
    heap.push(3, 3);
    expect(heap.pop()).toBe(3);
  });

  it('pops exactly as a sorted list would under simulation-style use: bursts of ties, long spreads, refills (property)', () => {
    // As a kernel uses it: each push is at or after the last popped time (plus some at that very time),
    // delays from a mix of exact ties, tiny, ordinary and far-future steps, thousands of entries, so that
    // a ladder spawns rungs and refills its bottom many times.
    const step = fc.oneof(
      fc.constant(0),
      fc.double({ min: 1e-9, max: 1e-6, noNaN: true }),
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.integer({ min: 0, max: 5 }),
      fc.double({ min: 1e3, max: 1e12, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.nat(3)), { minLength: 500, maxLength: 4000 }), fc.nat(), (ops, seed) => {
        const q = make(1);
        const reference = new SortedListReference();
        const rng = new Rng(seed);
        let nowMs = 0;
        let payload = 0;
        for (const [delayMs, pops] of ops) {
          q.push(nowMs + delayMs, payload);
          reference.push(nowMs + delayMs, payload++);
          if (rng.chance(0.5)) {
            q.push(nowMs, payload);
            reference.push(nowMs, payload++);
          }
          for (let i = 0; i < pops && reference.size > 0; i++) {
            nowMs = reference.peekTimeMs();
            expect(q.peekTimeMs()).toBe(nowMs);
            expect(q.peekPayload()).toBe(reference.peekPayload());
            expect(q.pop()).toBe(reference.pop().payload);
          }
          expect(q.size).toBe(reference.size);
        }
        while (reference.size > 0) {
          expect(q.peekTimeMs()).toBe(reference.peekTimeMs());
          expect(q.pop()).toBe(reference.pop().payload);
        }
        expect(q.peekTimeMs()).toBe(Infinity);
      }),
      { numRuns: 60 },
    );
  });

  it('runs the hold model (10,000 pending, exponential delays, some ties) in sorted-list order', () => {
    const q = make(16);
    const reference = new SortedListReference();
    const rng = new Rng(42);
    for (let i = 0; i < 10_000; i++) {
      const t = rng.exponential(1);
      q.push(t, i);
      reference.push(t, i);
    }
    for (let i = 0; i < 50_000; i++) {
      const nowMs = q.peekTimeMs();
      const expected = reference.pop();
      expect(nowMs).toBe(expected.timeMs);
      expect(q.pop()).toBe(expected.payload);
      const t = nowMs + (i % 10 === 0 ? 0 : rng.exponential(1));
      q.push(t, 10_000 + i);
      reference.push(t, 10_000 + i);
    }
  });

  it('keeps its order and its pace with a far-future timer among near events', () => {
    // One event a billion ms away while a few are pending: a ladder must not leave every later push to
    // a sorted insertion (it turns a long Bottom into a rung).
    const q = make(16);
    const reference = new SortedListReference();
    const rng = new Rng(3);
    let payload = 0;
    const push = (t: number): void => {
      q.push(t, payload);
      reference.push(t, payload++);
    };
    push(0);
    push(1e9);
    expect(q.pop()).toBe(reference.pop().payload);
    for (let i = 0; i < 2000; i++) push(rng.exponential(1));
    for (let i = 0; i < 20_000; i++) {
      const expected = reference.pop();
      expect(q.peekTimeMs()).toBe(expected.timeMs);
      expect(q.pop()).toBe(expected.payload);
      push(expected.timeMs + (i % 7 === 0 ? 0 : rng.exponential(1)));
      if (i % 1000 === 0) push(expected.timeMs + 1e6 * rng.next());
    }
    while (reference.size > 0) expect(q.pop()).toBe(reference.pop().payload);
  });
});
