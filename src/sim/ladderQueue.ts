/**
 * The simulation's pending-event set: a ladder queue (Tang, Goh & Thng, "Ladder Queue: An O(1) priority
 * queue structure for large-scale discrete event simulation", ACM TOMACS 15(3), 2005) on typed arrays,
 * with EventHeap's interface and ordering: by time, and among equal times in push order (what makes a
 * run reproducible). tests/sim/pendingEvents.contract.test.ts holds both to one contract.
 *
 * Why not the binary heap: on the hold model with 10,000 pending events a heap pop walks 13 levels of
 * memory the processor cannot predict (about 85 ns a hold operation here), while a ladder queue touches
 * an event a constant number of times (about 22 ns): the kernel went from 8 to 16 M events/s
 * (benchmarks/sim-vs-simpy.ts, benchmarks/README.md). EventHeap stays for small general-purpose queues.
 *
 * Structure: Top (an unsorted list of events at or after `topStart`), up to 8 rungs of bucket lists
 * (rung r+1 spawned from bucket rCur[r] of rung r), Bottom (a small sorted array, popped from the front).
 * Bucket index k = trunc((t - start) * inv), clamped to [-1, nb - 1]: monotone in t, so equal times
 * always share a bucket and a larger index means a strictly later time. Rung 0 has 2 buckets per Top
 * event at transfer; a bucket of more than THRES = 50 events (the paper's threshold) spawns a child rung
 * with one bucket per event, each as wide as the parent bucket's width over its event count (as in the
 * paper), starting at the bucket's earliest event; later times clamp into the child's last bucket.
 * A Bottom that grows past THRES entries spread over time becomes a rung too (see bottomInsert).
 *
 * FIFO among equal times without a sequence number: every place keeps push order for equal times, a
 * time is routed deterministically, and an older event with time t is always somewhere that pops no later
 * than where a newer t is routed.
 *
 * Layout choices, each measured on the hold model (13 -> 25 M operations/s with the Rng draw):
 *  - nodes are 16 bytes in one buffer (time f64, payload i32, next i32): one cache line per node; free
 *    nodes form a linked list, so a whole bucket is freed by one splice;
 *  - bucket lists and Top are LIFO (push = prepend: no tail pointers, no write to an old tail node), so
 *    lists are newest-first; consumers sort stably for reversed input, and spawning walks newest-first
 *    and appends (scratch tails) so new buckets are newest-first again;
 *  - `push` is tiny (a rung-0 fast path with a precomputed window [r0Lo, r0Hi) in bucket units) and the
 *    Top and other cases are separate functions: V8's inlining budget then still covers the caller's
 *    own work (with a large push, the benchmark loop lost about 20 %);
 *  - a refill moves the next pending bucket and, if one lies within 4 buckets, the one after it: the two
 *    lists are walked in turn so that their cache misses overlap;
 *  - Bottom refills of up to 12 events are sorted by branch-free ranks; larger ones by insertion, huge
 *    ones (forced, or all equal) by merge sort or not at all.
 *
 * Any push time is accepted, not only times after the last pop: a time below everything pending goes to
 * Bottom (the kernel may schedule before a time it peeked after `run(until)`).
 *
 * Worst case: pending times that differ by less than about 1e-300 from one another (but are not equal)
 * make bucket widths underflow, and everything goes to the sorted Bottom at O(n) a push; so does a ninth
 * rung. Millisecond clocks do not produce such times. A far-future timer among a few near events, which
 * once left every later push to a sorted insertion (1.7 us an event instead of 0.1), is covered by
 * turning a long Bottom into a rung (tests/sim/pendingEvents.contract.test.ts has that case).
 */
import { invariant } from '../core/index.ts';

function failNotFinite(): never {
  invariant(false, 'LadderQueue.push: time must be finite');
}
function failEmpty(operation: string): never {
  invariant(false, `LadderQueue.${operation} on an empty queue`);
}

const MAX_RUNGS = 8;
/** Largest Bottom refill sorted by ranks (n^2 branch-free compares) rather than by insertion. */
const RANK_MAX = 12;
/** How far past the next pending bucket to look for a second one to move along with it. */
const PAIR_SCAN = 4;

export class LadderQueue {
  private readonly thres: number;
  private readonly topFactor: number;
  // node pool: node n -> nf[2n] time, ni[4n + 2] payload, ni[4n + 3] next
  private nf: Float64Array;
  private ni: Int32Array;
  /** free nodes, linked through their next field */
  private freeHead: number;
  // Top (LIFO list)
  private topHead = -1;
  private topCount = 0;
  private topStart = -Infinity;
  // rungs
  private R = 0;
  private rStart = new Float64Array(MAX_RUNGS);
  private rInv = new Float64Array(MAX_RUNGS);
  private rNb = new Int32Array(MAX_RUNGS);
  private rCur = new Int32Array(MAX_RUNGS);
  private rHead: Int32Array[] = [];
  // Rung 0's start, scale and heads copied into fields for push's fast path (valid when R > 0).
  // Double fields start as doubles (NaN), not as the Smi 0: a field that starts as a small integer and
  // later holds a double changes the object's hidden class, which deoptimized the caller's loop and
  // made the result bimodal (16 or 22 M ops/s at 100k pending, run to run).
  private r0Start = NaN;
  private r0Inv = NaN;
  /** Fast-path window for push, in units of rung-0 buckets: x in [r0Lo, r0Hi) lands in a pending rung-0
   * bucket and before topStart. r0Lo = Infinity disables the fast path (no rung 0). */
  private r0Lo = Infinity;
  private r0Hi = NaN;
  private r0Heads: Int32Array;
  // Bottom
  private bt: Float64Array;
  private bp: Int32Array;
  private bh = 0;
  private bn = 0;
  // scratch
  private tails: Int32Array;
  private mt: Float64Array;
  private mp: Int32Array;
  private st = new Float64Array(64);
  private sp = new Int32Array(64);
  private count = 0;
  // results of scanSpan; doubles from the start (see r0Start)
  private spanMin = NaN;
  private spanMax = NaN;

  constructor(initialCapacity = 64, thres = 50, topFactor = 2) {
    this.thres = thres;
    if (thres > 32) {
      this.st = new Float64Array(2 * thres);
      this.sp = new Int32Array(2 * thres);
    }
    this.topFactor = topFactor;
    const cap = Math.max(64, initialCapacity);
    const buf = new ArrayBuffer(cap * 16);
    this.nf = new Float64Array(buf);
    this.ni = new Int32Array(buf);
    for (let i = 0; i < cap; i++) this.ni[4 * i + 3] = i + 1;
    this.ni[4 * (cap - 1) + 3] = -1;
    this.freeHead = 0;
    for (let r = 0; r < MAX_RUNGS; r++) this.rHead.push(new Int32Array(64).fill(-1));
    this.r0Heads = this.rHead[0];
    this.bt = new Float64Array(128);
    this.bp = new Int32Array(128);
    this.tails = new Int32Array(64);
    this.mt = new Float64Array(128);
    this.mp = new Int32Array(128);
  }

  /** Number of entries in the queue. */
  get size(): number {
    return this.count;
  }

  private growNodes(): void {
    const old = this.nf.length >> 1;
    const cap = old * 2;
    const buf = new ArrayBuffer(cap * 16);
    const nf = new Float64Array(buf);
    nf.set(this.nf);
    this.nf = nf;
    this.ni = new Int32Array(buf);
    const ni = this.ni;
    for (let i = old; i < cap; i++) ni[4 * i + 3] = i + 1;
    ni[4 * (cap - 1) + 3] = -1;
    this.freeHead = old;
  }

  /**
   * Adds an entry due at `timeMs` (finite); among entries with equal times, earlier pushes pop first.
   *
   * Kept small on purpose: V8 inlines it into the caller's loop only while the caller's cumulative inlining
   * budget lasts, and a large push crowds out the caller's own work (measured on the hold model: 18.7 ->
   * 22 M operations/s when the budget was raised). The common case - a time in a pending rung-0 bucket - is handled here; the
   * rest goes through pushSlow, which routes exactly as before (the fast path only fires where pushSlow
   * would do the same).
   */
  push(timeMs: number, payload: number): void {
    const x = (timeMs - this.r0Start) * this.r0Inv;
    const n = this.freeHead;
    if (x >= this.r0Lo && x < this.r0Hi && n >= 0) {
      const ni = this.ni;
      this.freeHead = ni[4 * n + 3];
      this.nf[2 * n] = timeMs;
      ni[4 * n + 2] = payload;
      const heads = this.r0Heads;
      const k = x | 0;
      ni[4 * n + 3] = heads[k];
      heads[k] = n;
      this.count++;
      return;
    }
    // Top and the rest are separate small functions, so that a loop that only fills the Top (as the
    // benchmark's set-up loop does) inlines only the Top path.
    if (timeMs >= this.topStart) this.pushTop(timeMs, payload);
    else this.pushSlow(timeMs, payload);
  }

  private pushTop(timeMs: number, payload: number): void {
    if (timeMs - timeMs !== 0) failNotFinite();
    this.count++;
    const n = this.newNode(timeMs, payload);
    this.ni[4 * n + 3] = this.topHead;
    this.topHead = n;
    this.topCount++;
  }

  private pushSlow(timeMs: number, payload: number): void {
    if (timeMs - timeMs !== 0) failNotFinite();
    this.count++;
    this.place(timeMs, payload);
  }

  /** A node off the free list (growing the pool when empty) holding the entry; its link is unset. */
  private newNode(timeMs: number, payload: number): number {
    if (this.freeHead < 0) this.growNodes();
    const n = this.freeHead;
    this.freeHead = this.ni[4 * n + 3];
    this.nf[2 * n] = timeMs;
    this.ni[4 * n + 2] = payload;
    return n;
  }

  /**
   * Routes an entry (already counted) below the Top: to the first rung, from the top down, where it falls
   * in a bucket not yet taken; else to Bottom. An entry in or before a rung's current bucket goes on
   * down, not straight to Bottom: a rung made from Bottom (see `bottomInsert`) can hold times before its
   * parent's current bucket, and only the deepest rung knows where such an entry belongs. (`push` does
   * the rung-0 case itself, inline, on the fast path.)
   */
  private place(timeMs: number, payload: number): void {
    for (let r = 0; r < this.R; r++) {
      const x = (timeMs - this.rStart[r]) * this.rInv[r];
      const nb = this.rNb[r];
      const k = x >= nb ? nb - 1 : x < 0 ? -1 : x | 0;
      if (k > this.rCur[r]) {
        const n = this.newNode(timeMs, payload);
        const heads = this.rHead[r];
        this.ni[4 * n + 3] = heads[k];
        heads[k] = n;
        return;
      }
    }
    this.bottomInsert(timeMs, payload);
  }

  /**
   * Insertion into the sorted Bottom. Bottom is meant to stay small; when it already holds more than
   * THRES entries spread over time (a refill moved a few events far apart, say the next one and a timer
   * a day away, and every later push lands between them), it becomes a new rung first, as the paper
   * prescribes, so a push never pays for a long insertion. Only equal times (appended at the end, O(1))
   * or a full ladder (MAX_RUNGS) keep a long Bottom.
   */
  private bottomInsert(t: number, payload: number): void {
    if (this.bn - this.bh > this.thres && this.R < MAX_RUNGS && this.bottomToRung()) {
      this.place(t, payload);
      return;
    }
    if (this.bn === this.bt.length) this.growBottom();
    const bt = this.bt;
    const bp = this.bp;
    let j = this.bn++;
    const h = this.bh;
    while (j > h && bt[j - 1] > t) {
      bt[j] = bt[j - 1];
      bp[j] = bp[j - 1];
      j--;
    }
    bt[j] = t;
    bp[j] = payload;
  }

  /**
   * Moves Bottom's entries into a new deepest rung, one bucket per entry over their time span; false
   * (nothing changed) when they all share one time. Every entry in Bottom is earlier than every entry
   * in a rung's pending buckets, so the new rung's buckets all pop before those.
   */
  private bottomToRung(): boolean {
    const n = this.bn - this.bh;
    const min = this.bt[this.bh];
    const max = this.bt[this.bn - 1];
    const inv = n / (max - min);
    if (!(max > min) || !(inv < Infinity)) return false;
    // Prepending Bottom's entries in order leaves the list in reverse: newest first among equal times
    // (Bottom keeps those in push order), the order spawn() expects of a bucket.
    let head = -1;
    for (let j = this.bh; j < this.bn; j++) {
      const node = this.newNode(this.bt[j], this.bp[j]);
      this.ni[4 * node + 3] = head;
      head = node;
    }
    this.bh = 0;
    this.bn = 0;
    this.spawn(this.R, head, min, inv, n);
    return true;
  }

  private growBottom(): void {
    const live = this.bn - this.bh;
    if (this.bh > 0 && live < this.bt.length >> 1) {
      this.bt.copyWithin(0, this.bh, this.bn);
      this.bp.copyWithin(0, this.bh, this.bn);
    } else {
      const cap = this.bt.length * 2;
      const bt = new Float64Array(cap);
      bt.set(this.bt.subarray(this.bh, this.bn));
      const bp = new Int32Array(cap);
      bp.set(this.bp.subarray(this.bh, this.bn));
      this.bt = bt;
      this.bp = bp;
    }
    this.bh = 0;
    this.bn = live;
  }

  /** Time of the earliest entry; Infinity when empty. */
  peekTimeMs(): number {
    if (this.bh < this.bn) return this.bt[this.bh];
    return this.peekSlow();
  }

  private peekSlow(): number {
    if (this.count === 0) return Infinity;
    this.refill();
    return this.bt[this.bh];
  }

  /** Payload of the earliest entry; the queue must not be empty. */
  peekPayload(): number {
    if (this.bh === this.bn) {
      if (this.count === 0) failEmpty('peekPayload');
      this.refill();
    }
    return this.bp[this.bh];
  }

  /** Removes the earliest entry and returns its payload (read `peekTimeMs()` first for its time). */
  pop(): number {
    if (this.bh === this.bn) this.popRefill();
    this.count--;
    return this.bp[this.bh++];
  }

  private popRefill(): void {
    if (this.count === 0) failEmpty('pop');
    this.refill();
  }

  /** Bottom is empty and count > 0: refill Bottom from the ladder (or Top). */
  private refill(): void {
    this.bh = 0;
    this.bn = 0;
    for (;;) {
      if (this.R === 0) {
        const head = this.topHead;
        // min / max of the Top are found here rather than tracked in pushTop (keeps pushTop small)
        const n = this.scanSpan(head);
        const min = this.spanMin;
        const max = this.spanMax;
        this.topHead = -1;
        this.topCount = 0;
        this.topStart = max;
        const nb = Math.ceil(n * this.topFactor);
        const inv = nb / (max - min);
        if (n <= this.thres || !(inv < Infinity)) {
          this.listToBottom(head, n, max === min);
          return;
        }
        this.spawn(0, head, min, inv, nb);
        continue;
      }
      const r = this.R - 1;
      const heads = this.rHead[r];
      let c = this.rCur[r] + 1;
      // heads[nb] is a sentinel (0), so the scan stops at the end of the rung: no per-rung event count
      // to maintain on every push
      while (heads[c] < 0) c++;
      if (c === this.rNb[r]) {
        heads[c] = -1;
        this.R = r;
        if (r === 0) this.r0Lo = Infinity;
        continue;
      }
      this.rCur[r] = c;
      if (r === 0) {
        this.r0Lo = c + 1;
      }
      const head = heads[c];
      // common case: the next one or two small buckets go straight to Bottom in one pass; walking two
      // lists in turn overlaps their cache misses
      const nb = this.rNb[r];
      let c2 = c + 1;
      const scanEnd = c + 1 + PAIR_SCAN < nb ? c + 1 + PAIR_SCAN : nb;
      while (c2 < scanEnd && heads[c2] < 0) c2++;
      const done = this.smallToBottom(head, c2 < scanEnd ? heads[c2] : -1);
      if (done !== 0) {
        heads[c] = -1;
        if (done === 2) {
          heads[c2] = -1;
          this.rCur[r] = c2;
          if (r === 0) {
            this.r0Lo = c2 + 1;
          }
        }
        return;
      }
      heads[c] = -1;
      const n = this.scanSpan(head);
      const min = this.spanMin;
      const max = this.spanMax;
      // The child rung covers the whole parent bucket (width / n each), as in the paper, not just
      // [min, max] of what is in it now: later pushes into this bucket's time range must spread over
      // the child too (with a [min, max] child they all piled into its last bucket - far-future
      // outliers then made rung after rung; 4.4 -> 14.7 M ops/s in a hold model with rare far-future events). Tightly packed
      // content just spawns again one level down.
      const inv = n * this.rInv[r];
      if (this.R === MAX_RUNGS || max === min || !(inv < Infinity)) {
        this.listToBottom(head, n, max === min);
        return;
      }
      this.spawn(this.R, head, min, inv, n);
    }
  }

  /** Earliest and latest time of a list, left in spanMin / spanMax (refills only); returns its length. */
  private scanSpan(head: number): number {
    const nf = this.nf;
    const ni = this.ni;
    let n = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = head; i >= 0; i = ni[4 * i + 3]) {
      const t = nf[2 * i];
      if (t < min) min = t;
      if (t > max) max = t;
      n++;
    }
    this.spanMin = min;
    this.spanMax = max;
    return n;
  }

  /** New rung r from a newest-first list; its buckets are newest-first too. */
  private spawn(r: number, head: number, start: number, inv: number, nb: number): void {
    if (this.rHead[r].length < nb + 1) {
      let cap = this.rHead[r].length;
      while (cap < nb + 1) cap *= 2;
      this.rHead[r] = new Int32Array(cap).fill(-1);
    }
    if (this.tails.length < nb) {
      let cap = this.tails.length;
      while (cap < nb) cap *= 2;
      this.tails = new Int32Array(cap);
    }
    const heads = this.rHead[r];
    const tails = this.tails;
    const nf = this.nf;
    const ni = this.ni;
    let n = 0;
    for (let i = head; i >= 0; ) {
      const next = ni[4 * i + 3];
      ni[4 * i + 3] = -1;
      const x = (nf[2 * i] - start) * inv;
      const k = x >= nb ? nb - 1 : x | 0;
      if (heads[k] < 0) heads[k] = i;
      else ni[4 * tails[k] + 3] = i;
      tails[k] = i;
      n++;
      i = next;
    }
    heads[nb] = 0; // sentinel for the refill scan
    this.rStart[r] = start;
    this.rInv[r] = inv;
    this.rNb[r] = nb;
    this.rCur[r] = -1;
    this.R = r + 1;
    if (r === 0) {
      this.r0Start = start;
      this.r0Inv = inv;
      this.r0Heads = heads;
      // topStart is already the new one (set before the Top is spread over rung 0)
      const xTop = (this.topStart - start) * inv;
      this.r0Lo = 0;
      this.r0Hi = xTop < nb ? xTop : nb;
    }
  }

  /**
   * Sorts one or two newest-first lists (two adjacent pending buckets; head2 < 0 for none) into the
   * empty Bottom if each has at most `thres` entries, and frees their nodes. Returns 0 if the first
   * list is too big (nothing changed), 1 if only the first was moved, 2 if both were.
   */
  private smallToBottom(head: number, head2: number): number {
    const thres = this.thres;
    if (this.bt.length < 2 * thres) this.ensureBottomCap(2 * thres);
    const st = this.st;
    const sp = this.sp;
    const nf = this.nf;
    const ni = this.ni;
    // 1. copy the lists into scratch: list 1 to [0, n), list 2 to [thres, thres + n2)
    let n = 0;
    let n2 = 0;
    let last = head;
    let last2 = head2;
    let i2 = head2;
    let ok2 = head2 >= 0;
    // The two lists are walked in turn, a node of each per step, so that their cache misses overlap.
    let i = head;
    while (i >= 0 || (ok2 && i2 >= 0)) {
      if (i >= 0) {
        if (n === thres) return 0;
        st[n] = nf[2 * i];
        sp[n] = ni[4 * i + 2];
        n++;
        last = i;
        i = ni[4 * i + 3];
      }
      if (ok2 && i2 >= 0) {
        if (n2 === thres) ok2 = false;
        else {
          st[thres + n2] = nf[2 * i2];
          sp[thres + n2] = ni[4 * i2 + 2];
          n2++;
          last2 = i2;
          i2 = ni[4 * i2 + 3];
        }
      }
    }
    ni[4 * last + 3] = this.freeHead;
    this.freeHead = head;
    this.sortScratch(0, n, 0);
    if (!ok2) {
      this.bh = 0;
      this.bn = n;
      return 1;
    }
    ni[4 * last2 + 3] = this.freeHead;
    this.freeHead = head2;
    this.sortScratch(thres, n2, n);
    this.bh = 0;
    this.bn = n + n2;
    return 2;
  }

  /** Stable sort of newest-first scratch [from, from + n) into Bottom at [to, to + n). */
  private sortScratch(from: number, n: number, to: number): void {
    const st = this.st;
    const sp = this.sp;
    const bt = this.bt;
    const bp = this.bp;
    const end = from + n;
    if (n <= RANK_MAX) {
      // branch-free rank sort: rank(i) = #earlier times + #equal times pushed before i (those come
      // later in the newest-first scratch)
      for (let i = from; i < end; i++) {
        const t = st[i];
        let r = to;
        for (let m = from; m < i; m++) r += +(st[m] < t);
        for (let m = i + 1; m < end; m++) r += +(st[m] <= t);
        bt[r] = t;
        bp[r] = sp[i];
      }
      return;
    }
    // insertion sort from the oldest (end of scratch) on: stable with a strict comparison
    let j = to;
    for (let q = end - 1; q >= from; q--) {
      const t = st[q];
      let k = j;
      while (k > to && bt[k - 1] > t) {
        bt[k] = bt[k - 1];
        bp[k] = bp[k - 1];
        k--;
      }
      bt[k] = t;
      bp[k] = sp[q];
      j++;
    }
  }

  private ensureBottomCap(n: number): void {
    let cap = this.bt.length;
    while (cap < n) cap *= 2;
    this.bt = new Float64Array(cap);
    this.bp = new Int32Array(cap);
  }

  /** Moves a newest-first list into the empty Bottom (stable sort), freeing its nodes. */
  private listToBottom(head: number, n: number, allEqual: boolean): void {
    if (this.bt.length < n) this.ensureBottomCap(n);
    const bt = this.bt;
    const bp = this.bp;
    const nf = this.nf;
    const ni = this.ni;
    if (n === 0) return;
    // fill from the end (gives push order), then stable sort
    let j = n;
    let last = head;
    for (let i = head; i >= 0; i = ni[4 * i + 3]) {
      j--;
      bt[j] = nf[2 * i];
      bp[j] = ni[4 * i + 2];
      last = i;
    }
    ni[4 * last + 3] = this.freeHead;
    this.freeHead = head;
    // all times equal (a burst of ties): push order is already the pop order
    if (!allEqual) this.sortBottom(n);
    this.bh = 0;
    this.bn = n;
  }

  /** Stable sort of bt/bp[0..n): insertion-sorted runs of 32, then bottom-up merges. */
  private sortBottom(n: number): void {
    if (this.mt.length < n) {
      let cap = this.mt.length;
      while (cap < n) cap *= 2;
      this.mt = new Float64Array(cap);
      this.mp = new Int32Array(cap);
    }
    const bt = this.bt;
    const bp = this.bp;
    const RUN = 32;
    for (let s = 0; s < n; s += RUN) {
      const e = Math.min(n, s + RUN);
      for (let a = s + 1; a < e; a++) {
        const t = bt[a];
        const p = bp[a];
        let k = a;
        while (k > s && bt[k - 1] > t) {
          bt[k] = bt[k - 1];
          bp[k] = bp[k - 1];
          k--;
        }
        bt[k] = t;
        bp[k] = p;
      }
    }
    let srcT = bt;
    let srcP = bp;
    let dstT = this.mt;
    let dstP = this.mp;
    for (let w = RUN; w < n; w *= 2) {
      for (let lo = 0; lo < n; lo += 2 * w) {
        const mid = Math.min(n, lo + w);
        const hi = Math.min(n, lo + 2 * w);
        let a = lo;
        let b = mid;
        let o = lo;
        while (a < mid && b < hi) {
          if (srcT[b] < srcT[a]) {
            dstT[o] = srcT[b];
            dstP[o++] = srcP[b++];
          } else {
            dstT[o] = srcT[a];
            dstP[o++] = srcP[a++];
          }
        }
        while (a < mid) {
          dstT[o] = srcT[a];
          dstP[o++] = srcP[a++];
        }
        while (b < hi) {
          dstT[o] = srcT[b];
          dstP[o++] = srcP[b++];
        }
      }
      const tmp = srcT;
      srcT = dstT;
      dstT = tmp;
      const tmpP = srcP;
      srcP = dstP;
      dstP = tmpP;
    }
    if (srcT !== bt) {
      bt.set(srcT.subarray(0, n));
      bp.set(srcP.subarray(0, n));
    }
  }

  /** Removes every entry; capacity is kept. */
  clear(): void {
    const cap = this.nf.length >> 1;
    for (let i = 0; i < cap; i++) this.ni[4 * i + 3] = i + 1;
    this.ni[4 * (cap - 1) + 3] = -1;
    this.freeHead = 0;
    this.topHead = -1;
    this.topCount = 0;
    this.topStart = -Infinity;
    for (let r = 0; r < MAX_RUNGS; r++) this.rHead[r].fill(-1);
    this.R = 0;
    this.r0Lo = Infinity;
    this.bh = 0;
    this.bn = 0;
    this.count = 0;
  }
}
