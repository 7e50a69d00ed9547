/**
 * The pending-event set of the simulation: a binary min-heap on parallel typed arrays, ordered by
 * (time, sequence number). The sequence number is assigned at push and only grows, so events due at the
 * same time pop in the order they were pushed; that tie-break is what makes a run reproducible (SimPy
 * orders its heap the same way: time, priority, insertion counter).
 *
 * Typed arrays rather than an array of objects: one push allocates nothing, the comparisons read
 * unboxed doubles, and the garbage collector never walks the heap. Capacity doubles when full.
 *
 * Entries carry an int32 payload that the heap does not interpret (the simulation stores the index of
 * the event's callback there).
 */
import { invariant } from '../core/index.ts';

const INITIAL_CAPACITY = 64;

// Out-of-line failures keep the checks in push() and pop() to one compare and a never-taken branch.
function failNotFinite(): never {
  invariant(false, 'EventHeap.push: time must be finite');
}
function failEmpty(operation: string): never {
  invariant(false, `EventHeap.${operation} on an empty heap`);
}

export class EventHeap {
  // Capacity is always at least count + 1, and every slot from count on holds an Infinity time: a
  // sentinel that lets pop() compare two children without checking that the right one exists, and
  // makes peekTimeMs() of an empty heap Infinity.
  private timesMs: Float64Array;
  /** Float64 rather than Uint32: a long run can push more than 2^32 events; doubles count exactly to 2^53. */
  private seqs: Float64Array;
  private payloads: Int32Array;
  private count = 0;
  private nextSeq = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    const capacity = Math.max(2, Math.floor(initialCapacity) + 1);
    this.timesMs = new Float64Array(capacity).fill(Infinity);
    this.seqs = new Float64Array(capacity);
    this.payloads = new Int32Array(capacity);
  }

  /** Number of entries in the heap. */
  get size(): number {
    return this.count;
  }

  /** Sequence numbers handed out so far (the number of pushes since construction or `clear()`). */
  get pushed(): number {
    return this.nextSeq;
  }

  /** Adds an entry due at `timeMs` (finite); among entries with equal times, earlier pushes pop first. */
  push(timeMs: number, payload: number): void {
    // NaN or an infinite time would break the ordering and the Infinity sentinel; x - x is 0 only for
    // finite x.
    if (timeMs - timeMs !== 0) failNotFinite();
    if (this.count + 1 === this.timesMs.length) this.grow();
    const times = this.timesMs;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const seq = this.nextSeq++;
    // Sift up with a hole: move parents down until the new entry's place is found, then write once.
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent];
      // A new entry never ties with an older one on seq, so "parent is earlier" is: time smaller, or
      // the same time (the parent, pushed before, has a smaller seq).
      if (parentTime <= timeMs) break;
      times[i] = parentTime;
      seqs[i] = seqs[parent];
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = timeMs;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  /** Time of the earliest entry; Infinity when empty (the sentinel). */
  peekTimeMs(): number {
    return this.timesMs[0];
  }

  /** Payload of the earliest entry; the heap must not be empty. */
  peekPayload(): number {
    if (this.count === 0) failEmpty('peekPayload');
    return this.payloads[0];
  }

  /** Removes the earliest entry and returns its payload (read `peekTimeMs()` first for its time). */
  pop(): number {
    if (this.count === 0) failEmpty('pop');
    const times = this.timesMs;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const top = payloads[0];
    const n = --this.count;
    const lastTime = times[n];
    const lastSeq = seqs[n];
    const lastPayload = payloads[n];
    times[n] = Infinity;
    if (n === 0) return top;
    // Bottom-up deletion (Floyd's trick: Knuth, TAOCP vol. 3, 5.2.3 exercise 18; Wegener, "Bottom-up
    // heapsort", Theoretical Computer Science 118, 1993): walk the hole from the root to a leaf along
    // the earlier child, one comparison per level, then sift the last entry up from there. The last
    // entry came from the bottom, so it rarely climbs far; this halves the comparisons of the textbook
    // sift-down. When the right child does not exist, its time is the Infinity sentinel, so the left
    // child wins without a bounds check.
    let i = 0;
    let child = 1;
    while (child < n) {
      const leftTime = times[child];
      const rightTime = times[child + 1];
      if (rightTime === leftTime) {
        if (seqs[child + 1] < seqs[child]) child++;
      } else {
        // +(boolean) rather than a branch: which child is earlier is a coin toss on random times, and a
        // mispredicted branch per level costs more than the arithmetic.
        child += +(rightTime < leftTime);
      }
      times[i] = times[child];
      seqs[i] = seqs[child];
      payloads[i] = payloads[child];
      i = child;
      child = 2 * i + 1;
    }
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent];
      if (parentTime < lastTime || (parentTime === lastTime && seqs[parent] < lastSeq)) break;
      times[i] = parentTime;
      seqs[i] = seqs[parent];
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    payloads[i] = lastPayload;
    return top;
  }

  /** Removes every entry and restarts the sequence numbers; capacity is kept. */
  clear(): void {
    this.timesMs.fill(Infinity, 0, this.count + 1);
    this.count = 0;
    this.nextSeq = 0;
  }

  private grow(): void {
    const capacity = this.timesMs.length * 2;
    const times = new Float64Array(capacity).fill(Infinity);
    const seqs = new Float64Array(capacity);
    const payloads = new Int32Array(capacity);
    times.set(this.timesMs);
    seqs.set(this.seqs);
    payloads.set(this.payloads);
    this.timesMs = times;
    this.seqs = seqs;
    this.payloads = payloads;
  }
}
