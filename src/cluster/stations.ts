import { invariant } from '../core/index.ts';

/** Told what happens to tracked requests (see `StationBank`'s tracking mode). */
export interface StationListener {
  /** A tracked request's end moved (an earlier request left before it); `endMs` is the new end. */
  moved(token: number, endMs: number): void;
  /** A tracked request will not finish: its station went down at `atMs`. */
  failed(token: number, atMs: number): void;
}

/** A request id in a tracking bank (`lastRecord` after `serve`). */
export type StationRecord = number;

/**
 * A bank of first-come-first-served stations, each with `servers` identical servers (a machine's cores,
 * or one disk arm), computed by Lindley's recursion instead of events: when a station's customers are
 * presented in nondecreasing arrival order, each one's start is max(arrival, earliest free server) and is
 * known at once. The cluster presents each customer at an event whose time is its arrival, so the order
 * holds; an invariant checks it. This is exact FCFS G/G/c, at the cost of a few array reads a customer.
 *
 * With a listener (tracking mode) the bank also remembers every request until it ends, so one can leave
 * early: `cancel` takes a waiting or running request out at a given instant, and `down` fails every
 * request of a station (a machine that crashed) until `up`. The requests behind a departed one then start
 * earlier: the bank replays Lindley's recursion over those still waiting, from the servers' state at that
 * instant, and tells the listener each new end. Without departures the times are exactly those of the
 * plain bank (tests/cluster/stations.test.ts); the plain bank does none of this bookkeeping.
 */
export class StationBank {
  readonly stations: number;
  readonly servers: number;
  private readonly freeAtMs: Float64Array;
  private readonly lastArrivalMs: Float64Array;
  /** Busy time booked while `measuring`, per station (see `busyWithinMs` for the window's share). */
  readonly busyMs: Float64Array;
  private measuringNow = true;
  /** Each server's free time when measuring stopped; null while measuring (then: now). */
  private freeAtWhenStoppedMs: Float64Array | null = null;
  private readonly tracking: Tracking | null;

  constructor(stations: number, servers: number, listener?: StationListener) {
    invariant(Number.isInteger(stations) && stations > 0 && Number.isInteger(servers) && servers > 0, 'station bank size');
    this.stations = stations;
    this.servers = servers;
    this.freeAtMs = new Float64Array(stations * servers);
    this.lastArrivalMs = new Float64Array(stations);
    this.busyMs = new Float64Array(stations);
    this.tracking = listener ? new Tracking(stations, listener) : null;
  }

  /** Whether requests can leave early (a listener was given). */
  get tracks(): boolean {
    return this.tracking !== null;
  }

  /**
   * Serves work that is not a leaf (an update's apply cost, a stall) at the clock's `nowMs`. The router
   * books a leaf's arrival when its query arrives, a network hop ahead of the clock, so such work may come
   * before a leaf already booked: it queues behind that leaf instead, and FIFO order bends by at most a hop.
   */
  serveBackground(station: number, nowMs: number, serviceMs: number): number {
    return this.serve(station, Math.max(nowMs, this.lastArrivalMs[station]), serviceMs);
  }

  /**
   * Serves one customer; returns when its service ends. In tracking mode the request is remembered as
   * `lastRecord`, with `token` for the listener (-1: the listener is never told about it).
   */
  serve(station: number, arrivalMs: number, serviceMs: number, token = -1): number {
    invariant(arrivalMs >= this.lastArrivalMs[station], 'station arrivals in time order');
    this.lastArrivalMs[station] = arrivalMs;
    const base = station * this.servers;
    const free = this.freeAtMs;
    let best = base;
    for (let i = base + 1; i < base + this.servers; i++) if (free[i] < free[best]) best = i;
    const start = free[best] > arrivalMs ? free[best] : arrivalMs;
    const end = start + serviceMs;
    free[best] = end;
    if (this.measuringNow) this.busyMs[station] += serviceMs;
    if (this.tracking !== null) {
      // A down station's servers are free at Infinity (see `down`).
      if (start === Infinity) invariant(false, 'a request reaches a station that is up');
      this.tracking.add(station, best - base, arrivalMs, serviceMs, start, end, token, this.measuringNow);
    }
    return end;
  }

  /** The record `serve` made last (tracking mode). */
  get lastRecord(): StationRecord {
    return this.tracked().last;
  }

  /**
   * When a tracked request ends now (it may have moved since `serve` returned); -Infinity once it is
   * forgotten (it ended before a later arrival at its station).
   */
  endOf(record: StationRecord): number {
    const t = this.tracked();
    return t.isRemembered(record) ? t.ring(record).e[t.pos(record) + END] : -Infinity;
  }

  /** When a tracked request starts service now (it may have moved since `serve`); -Infinity once forgotten. */
  startOf(record: StationRecord): number {
    const t = this.tracked();
    return t.isRemembered(record) ? t.ring(record).e[t.pos(record) + START] : -Infinity;
  }

  /**
   * Takes a tracked request out at `atMs` (the clock's now: no arrival later than it has been presented):
   * a waiting one leaves the queue, a running one frees its server then. Returns false when it had
   * already ended. The listener is told the new end of every request that moved, not of this one.
   */
  cancel(record: StationRecord, atMs: number): boolean {
    const t = this.tracked();
    const station = t.stationOf(record);
    invariant(atMs >= this.lastArrivalMs[station], 'a cancellation at or after the last arrival');
    const ring = t.ring(record);
    const i = t.pos(record);
    if (!t.isLive(record) || ring.e[i + END] <= atMs) return false;
    this.unbook(ring, i, station, atMs);
    ring.e[i + META] += REMOVED;
    this.replay(station, atMs);
    return true;
  }

  /**
   * The station goes down at `atMs`: every request not ended by then fails (the listener is told) and
   * its unserved work is unbooked; until `up`, the station takes no request.
   */
  down(station: number, atMs: number): void {
    const t = this.tracked();
    invariant(atMs >= this.lastArrivalMs[station], 'a failure at or after the last arrival');
    invariant(!t.isDown[station], 'a station goes down once before it comes up');
    t.isDown[station] = 1;
    const ring = t.rings[station];
    const tokens: number[] = [];
    for (let seq = ring.head; seq < ring.tail; seq++) {
      const i = ring.at(seq);
      if (ring.flags(i) & REMOVED || ring.e[i + END] <= atMs) continue;
      this.unbook(ring, i, station, atMs);
      ring.e[i + META] += REMOVED;
      tokens.push(ring.e[i + TOKEN]);
    }
    for (let i = station * this.servers; i < (station + 1) * this.servers; i++) this.freeAtMs[i] = Infinity;
    for (const token of tokens) if (token >= 0) t.listener.failed(token, atMs);
  }

  /** Books off the work a request leaving at `atMs` will not do (when it was booked in this window). */
  private unbook(ring: Ring, i: number, station: number, atMs: number): void {
    const e = ring.e;
    const unserved = e[i + START] > atMs ? e[i + SVC] : e[i + END] - atMs;
    if (this.measuringNow && ring.flags(i) & BOOKED) this.busyMs[station] -= unserved;
  }

  /** The station serves again from `atMs`, its servers all free. */
  up(station: number, atMs: number): void {
    const t = this.tracked();
    invariant(t.isDown[station] === 1, 'a station comes up only after going down');
    t.isDown[station] = 0;
    for (let i = station * this.servers; i < (station + 1) * this.servers; i++) this.freeAtMs[i] = atMs;
    if (atMs > this.lastArrivalMs[station]) this.lastArrivalMs[station] = atMs;
  }

  isUp(station: number): boolean {
    return this.tracking === null || this.tracking.isDown[station] === 0;
  }

  /**
   * Lindley's recursion again over the requests still waiting at `atMs`, from each server's state then
   * (free at `atMs`, or at the end of what it is running), in their arrival order.
   */
  private replay(station: number, atMs: number): void {
    const t = this.tracked();
    const ring = t.rings[station];
    const base = station * this.servers;
    const free = this.freeAtMs;
    for (let i = base; i < base + this.servers; i++) free[i] = atMs;
    const e = ring.e;
    const waiting: number[] = [];
    for (let seq = ring.head; seq < ring.tail; seq++) {
      const i = ring.at(seq);
      if (ring.flags(i) & REMOVED) continue;
      if (e[i + START] <= atMs) {
        const srv = base + ring.server(i);
        if (e[i + END] > free[srv]) free[srv] = e[i + END];
      } else waiting.push(i);
    }
    for (const i of waiting) {
      let best = base;
      for (let k = base + 1; k < base + this.servers; k++) if (free[k] < free[best]) best = k;
      const start = free[best] > e[i + ARR] ? free[best] : e[i + ARR];
      const end = start + e[i + SVC];
      free[best] = end;
      e[i + META] = (best - base) * 4 + ring.flags(i);
      e[i + START] = start;
      if (end !== e[i + END]) {
        e[i + END] = end;
        if (e[i + TOKEN] >= 0) t.listener.moved(e[i + TOKEN], end);
      }
    }
  }

  private tracked(): Tracking {
    invariant(this.tracking !== null, 'a station bank without a listener tracks no request');
    return this.tracking;
  }

  /**
   * Starts a measured window at `nowMs`: forgets the busy time booked so far and books, instead, what
   * the servers still owe at `nowMs` (the warm-up's backlog). Utilisation is the busy time inside the
   * window, whoever it serves: an overloaded station works through its backlog during the window, and
   * leaving that out made a longer warm-up report a less busy machine. A server's customers taken
   * before `nowMs` arrived before it, so from `nowMs` they run back to back until freeAtMs: what is
   * owed is exactly max(0, freeAtMs - nowMs).
   */
  resetMeasures(nowMs: number): void {
    for (let station = 0; station < this.stations; station++) this.busyMs[station] = this.owedAfterMs(this.freeAtMs, station, nowMs);
    this.measuringNow = true;
    this.freeAtWhenStoppedMs = null;
    // What was booked before now is in the window only as what is still owed (counted above).
    this.tracking?.markBooked();
  }

  get measuring(): boolean {
    return this.measuringNow;
  }

  /** Stops booking busy time; what was booked stays for `busyWithinMs`. */
  stopMeasures(): void {
    this.measuringNow = false;
    this.freeAtWhenStoppedMs = this.freeAtMs.slice();
  }

  /**
   * A station's busy time inside the window that ends at `endMs`: what was booked, less what its
   * servers still had to do after `endMs` when measuring stopped (a replica no measured query used may
   * still be working off the warm-up's backlog after the last measured answer). Work that arrived
   * before `endMs` runs back to back past it, so that overhang is exactly max(0, freeAt - endMs); work
   * arriving after `endMs` (changes after the last query) is counted at most up to its server's free time.
   * (Departures after measuring stopped are not unbooked.)
   */
  busyWithinMs(station: number, endMs: number): number {
    return Math.max(0, this.busyMs[station] - this.owedAfterMs(this.freeAtWhenStoppedMs ?? this.freeAtMs, station, endMs));
  }

  /** Work a station's servers have left after `tMs`, by their free times `free` (a down server owes none). */
  private owedAfterMs(free: Float64Array, station: number, tMs: number): number {
    let owedMs = 0;
    for (let i = station * this.servers; i < (station + 1) * this.servers; i++) if (free[i] > tMs && free[i] < Infinity) owedMs += free[i] - tMs;
    return owedMs;
  }
}

/** Ring entry flags (the low bits of META; the server is META >> 2). */
const REMOVED = 1;
const BOOKED = 2;
/** A ring entry's fields, interleaved so that one entry sits in one or two cache lines. */
const ARR = 0;
const SVC = 1;
const START = 2;
const END = 3;
const TOKEN = 4;
const META = 5;
const STRIDE = 6;

/** One station's remembered requests, in arrival order: sequence numbers head..tail-1, entry seq & mask. */
class Ring {
  e: Float64Array;
  head = 0;
  tail = 0;
  mask: number;
  constructor(capacity: number) {
    this.mask = capacity - 1;
    this.e = new Float64Array(capacity * STRIDE);
  }
  /** Where entry `seq`'s fields start in `e`. */
  at(seq: number): number {
    return (seq & this.mask) * STRIDE;
  }
  flags(b: number): number {
    return this.e[b + META] & 3;
  }
  server(b: number): number {
    return this.e[b + META] >> 2;
  }
  /** Twice the room, the same entries at the same sequence numbers. */
  grow(): void {
    const mask = (this.mask + 1) * 2 - 1;
    const e = new Float64Array((mask + 1) * STRIDE);
    for (let seq = this.head; seq < this.tail; seq++) e.set(this.e.subarray(this.at(seq), this.at(seq) + STRIDE), (seq & mask) * STRIDE);
    this.e = e;
    this.mask = mask;
  }
}

/**
 * The requests a tracking bank remembers: per station a ring of them in arrival order, pruned from the
 * front once ended (so a station holds about its queue and what runs). A record is named by its
 * station's sequence number and the station: seq x stations + station.
 */
class Tracking {
  readonly rings: Ring[];
  readonly isDown: Uint8Array;
  last = -1;

  constructor(
    private readonly stations: number,
    readonly listener: StationListener,
  ) {
    this.rings = Array.from({ length: stations }, () => new Ring(8));
    this.isDown = new Uint8Array(stations);
  }

  add(station: number, server: number, arrivalMs: number, serviceMs: number, startMs: number, endMs: number, token: number, booked: boolean): void {
    const ring = this.rings[station];
    // What ended by this arrival is forgotten.
    while (ring.head < ring.tail) {
      const h = ring.at(ring.head);
      if (!(ring.flags(h) & REMOVED) && ring.e[h + END] > arrivalMs) break;
      ring.head++;
    }
    if (ring.tail - ring.head > ring.mask) ring.grow();
    const e = ring.e;
    const i = ring.at(ring.tail);
    e[i + ARR] = arrivalMs;
    e[i + SVC] = serviceMs;
    e[i + START] = startMs;
    e[i + END] = endMs;
    e[i + TOKEN] = token;
    e[i + META] = server * 4 + (booked ? BOOKED : 0);
    this.last = ring.tail * this.stations + station;
    ring.tail++;
  }

  stationOf(record: StationRecord): number {
    return record % this.stations;
  }
  ring(record: StationRecord): Ring {
    return this.rings[record % this.stations];
  }
  /** Where the record's fields start in its ring's `e`. */
  pos(record: StationRecord): number {
    return this.ring(record).at((record - (record % this.stations)) / this.stations);
  }
  /** Whether the record is still in its station's ring (not yet forgotten). */
  isRemembered(record: StationRecord): boolean {
    const ring = this.ring(record);
    const seq = (record - (record % this.stations)) / this.stations;
    return seq >= ring.head && seq < ring.tail;
  }
  /** Whether the record is remembered and has not left. */
  isLive(record: StationRecord): boolean {
    return this.isRemembered(record) && !(this.ring(record).flags(this.pos(record)) & REMOVED);
  }

  /** Every remembered request counts as booked in a window that starts now (see resetMeasures). */
  markBooked(): void {
    for (const ring of this.rings) for (let seq = ring.head; seq < ring.tail; seq++) ring.e[ring.at(seq) + META] = (ring.e[ring.at(seq) + META] | BOOKED);
  }
}

/**
 * Requests outstanding at each machine as the router sees them: sent and not yet answered. Completion
 * times known in advance sit in a per-machine min-heap and leave it when the clock passes them; requests
 * whose completion is not yet known are counted apart.
 */
export class Outstanding {
  private readonly heaps: number[][];
  private readonly unknown: Int32Array;
  constructor(machines: number) {
    this.heaps = Array.from({ length: machines }, () => []);
    this.unknown = new Int32Array(machines);
  }
  count(machine: number, nowMs: number): number {
    const h = this.heaps[machine];
    while (h.length > 0 && h[0] <= nowMs) popMin(h);
    return h.length + this.unknown[machine];
  }
  addUnknown(machine: number): void {
    this.unknown[machine]++;
  }
  resolve(machine: number, doneMs: number, wasUnknown: boolean): void {
    if (wasUnknown) this.unknown[machine]--;
    pushMin(this.heaps[machine], doneMs);
  }
  /** A request whose completion was not known will not complete (cancelled, or its machine failed). */
  drop(machine: number): void {
    this.unknown[machine]--;
  }
}

function pushMin(h: number[], v: number): void {
  let i = h.length;
  h.push(v);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p] <= v) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = v;
}
function popMin(h: number[]): void {
  const last = h.pop()!;
  if (h.length === 0) return;
  let i = 0;
  const n = h.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const c = l + 1 < n && h[l + 1] < h[l] ? l + 1 : l;
    if (h[c] >= last) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = last;
}
