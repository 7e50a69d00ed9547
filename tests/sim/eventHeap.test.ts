import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from '../../src/sim/index.ts';

/** The naive reference: a list kept sorted by (time, push order), popped from the front. */
class SortedListReference {
  private entries: { timeMs: number; seq: number; payload: number }[] = [];
  private nextSeq = 0;
  push(timeMs: number, payload: number): void {
    this.entries.push({ timeMs, seq: this.nextSeq++, payload });
    this.entries.sort((a, b) => a.timeMs - b.timeMs || a.seq - b.seq);
  }
  pop(): { timeMs: number; payload: number } {
    const e = this.entries.shift();
    if (e === undefined) throw new Error('empty');
    return { timeMs: e.timeMs, payload: e.payload };
  }
  get size(): number {
    return this.entries.length;
  }
}

describe('EventHeap', () => {
  it('pops in time order', () => {
    const heap = new EventHeap();
    for (const [t, p] of [[5, 0], [1, 1], [3, 2], [0.5, 3], [4, 4]]) heap.push(t, p);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    expect(out).toEqual([3, 1, 2, 4, 0]);
  });

  it('pops entries with equal times in push order', () => {
    const heap = new EventHeap();
    for (let p = 0; p < 100; p++) heap.push(p % 3, p);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    const expected = [0, 1, 2].flatMap((t) => Array.from({ length: 100 }, (_, p) => p).filter((p) => p % 3 === t));
    expect(out).toEqual(expected);
  });

  it('grows past its initial capacity', () => {
    const heap = new EventHeap(2);
    for (let i = 999; i >= 0; i--) heap.push(i, i);
    expect(heap.size).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      expect(heap.peekTimeMs()).toBe(i);
      expect(heap.pop()).toBe(i);
    }
  });

  it('reports Infinity as the next time when empty and refuses to pop', () => {
    const heap = new EventHeap();
    expect(heap.peekTimeMs()).toBe(Infinity);
    expect(() => heap.pop()).toThrow('EventHeap.pop on an empty heap');
  });

  it('refuses a time that is NaN or infinite', () => {
    const heap = new EventHeap();
    expect(() => heap.push(Number.NaN, 0)).toThrow('EventHeap.push: time must be finite');
    expect(() => heap.push(Infinity, 0)).toThrow('EventHeap.push: time must be finite');
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
        const heap = new EventHeap(1);
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
        const heap = new EventHeap(1);
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
    const heap = new EventHeap();
    heap.push(1, 1);
    heap.push(2, 2);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.peekTimeMs()).toBe(Infinity);
    heap.push(3, 3);
    expect(heap.pop()).toBe(3);
  });
});
