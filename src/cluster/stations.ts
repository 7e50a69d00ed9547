import { grown, invariant } from '../core/index.ts';

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
    if (this.tracking !== null) this.tracking.add(station, best - base, arrivalMs, serviceMs, start, end, token, this.measuringNow);
    return end;
  }

  /** The record `serve` made last (tracking mode). */
  get lastRecord(): StationRecord {
    return this.tracked().last;
  }

  /** When a tracked request ends now (it may have moved since `serve` returned). */
  endOf(record: StationRecord): number {
    return this.tracked().endMs[record];
  }

  /**
   * Takes a tracked request out at `atMs` (the clock's now: no arrival later than it has been presented):
   * a waiting one leaves the queue, a running one frees its server then. Returns false when it had
   * already ended. The listener is told the new end of every request that moved, not of this one.
   */
  cancel(record: StationRecord, atMs: number): boolean {
    const t = this.tracked();
    const station = t.station[record];
    invariant(atMs >= this.lastArrivalMs[station], 'a cancellation at or after the last arrival');
    if (t.token[record] === FREE || t.endMs[record] <= atMs) return false;
    const unserved = t.startMs[record] > atMs ? t.serviceMs[record] : t.endMs[record] - atMs;
    if (this.measuringNow && t.booked[record]) this.busyMs[station] -= unserved;
    t.remove(record);
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
    const failed: number[] = [];
    for (const r of t.live(station)) {
      if (t.endMs[r] <= atMs) continue;
      const unserved = t.startMs[r] > atMs ? t.serviceMs[r] : t.endMs[r] - atMs;
      if (this.measuringNow && t.booked[r]) this.busyMs[station] -= unserved;
      failed.push(r);
    }
    const tokens = failed.map((r) => t.token[r]);
    for (const r of failed) t.remove(r);
    for (let i = station * this.servers; i < (station + 1) * this.servers; i++) this.freeAtMs[i] = Infinity;
    for (const token of tokens) if (token >= 0) t.listener.failed(token, atMs);
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
    const base = station * this.servers;
    const free = this.freeAtMs;
    for (let i = base; i < base + this.servers; i++) free[i] = atMs;
    const waiting: number[] = [];
    for (const r of t.live(station)) {
      if (t.startMs[r] <= atMs) {
        const s = base + t.server[r];
        if (t.endMs[r] > free[s]) free[s] = t.endMs[r];
      } else waiting.push(r);
    }
    for (const r of waiting) {
      let best = base;
      for (let i = base + 1; i < base + this.servers; i++) if (free[i] < free[best]) best = i;
      const start = free[best] > t.arrivalMs[r] ? free[best] : t.arrivalMs[r];
      const end = start + t.serviceMs[r];
      free[best] = end;
      t.server[r] = best - base;
      t.startMs[r] = start;
      if (end !== t.endMs[r]) {
        t.endMs[r] = end;
        if (t.token[r] >= 0) t.listener.moved(t.token[r], end);
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

/** Token of a free record slot. */
const FREE = -2;

/**
 * The requests a tracking bank remembers, in pooled columns, and per station the live ones in arrival
 * order (pruned from the front once ended, so a station holds about its queue and what runs).
 */
class Tracking {
  arrivalMs = new Float64Array(64);
  serviceMs = new Float64Array(64);
  startMs = new Float64Array(64);
  endMs = new Float64Array(64);
  server = new Int32Array(64);
  station = new Int32Array(64);
  token = new Float64Array(64).fill(FREE);
  /** Whether the request's service was booked as busy time of the current measured window. */
  booked = new Uint8Array(64);
  private readonly free: number[] = [];
  private used = 0;
  last = -1;
  /** Per station: record ids in arrival order from `heads[station]` (removed ones are skipped). */
  private readonly lists: number[][];
  private readonly heads: Int32Array;
  readonly isDown: Uint8Array;

  constructor(
    stations: number,
    readonly listener: StationListener,
  ) {
    this.lists = Array.from({ length: stations }, () => []);
    this.heads = new Int32Array(stations);
    this.isDown = new Uint8Array(stations);
  }

  add(station: number, server: number, arrivalMs: number, serviceMs: number, startMs: number, endMs: number, token: number, booked: boolean): void {
    invariant(this.isDown[station] === 0, 'a request reaches a station that is up');
    this.prune(station, arrivalMs);
    const r = this.free.length > 0 ? this.free.pop()! : this.grow();
    this.arrivalMs[r] = arrivalMs;
    this.serviceMs[r] = serviceMs;
    this.startMs[r] = startMs;
    this.endMs[r] = endMs;
    this.server[r] = server;
    this.station[r] = station;
    this.token[r] = token;
    this.booked[r] = booked ? 1 : 0;
    this.lists[station].push(r);
    this.last = r;
  }

  /** Live records of a station, in arrival order. */
  *live(station: number): Generator<number> {
    const list = this.lists[station];
    for (let i = this.heads[station]; i < list.length; i++) if (list[i] >= 0) yield list[i];
  }

  /** Drops a record (its slot is reused). */
  remove(r: number): void {
    const list = this.lists[this.station[r]];
    const i = list.indexOf(r, this.heads[this.station[r]]);
    invariant(i >= 0, 'a tracked record is in its station list');
    list[i] = -1;
    this.release(r);
  }

  markBooked(): void {
    this.booked.fill(1);
  }

  /** Releases the records at the front of a station's list that ended by `tMs`. */
  private prune(station: number, tMs: number): void {
    const list = this.lists[station];
    let h = this.heads[station];
    while (h < list.length && (list[h] < 0 || this.endMs[list[h]] <= tMs)) {
      if (list[h] >= 0) this.release(list[h]);
      h++;
    }
    if (h === list.length) {
      list.length = 0;
      h = 0;
    } else if (h > 1024 && h * 2 > list.length) {
      list.splice(0, h);
      h = 0;
    }
    this.heads[station] = h;
  }

  private release(r: number): void {
    this.token[r] = FREE;
    this.free.push(r);
  }

  private grow(): number {
    if (this.used === this.endMs.length) {
      const n = this.used * 2;
      this.arrivalMs = grown(this.arrivalMs, n);
      this.serviceMs = grown(this.serviceMs, n);
      this.startMs = grown(this.startMs, n);
      this.endMs = grown(this.endMs, n);
      this.token = grown(this.token, n, FREE);
      this.server = grown(this.server, n);
      this.station = grown(this.station, n);
      this.booked = grown(this.booked, n);
    }
    return this.used++;
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
