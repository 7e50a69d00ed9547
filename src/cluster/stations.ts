import { invariant } from '../core/index.ts';

/**
 * A bank of first-come-first-served stations, each with `servers` identical servers (a machine's cores,
 * or one disk arm), computed by Lindley's recursion instead of events: when a station's customers are
 * presented in nondecreasing arrival order, each one's start is max(arrival, earliest free server) and is
 * known at once. The cluster presents each customer at an event whose time is its arrival, so the order
 * holds; an invariant checks it. This is exact FCFS G/G/c, at the cost of a few array reads a customer.
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
  /** Start of service of the last customer served. */
  lastStartMs = 0;

  constructor(stations: number, servers: number) {
    invariant(Number.isInteger(stations) && stations > 0 && Number.isInteger(servers) && servers > 0, 'station bank size');
    this.stations = stations;
    this.servers = servers;
    this.freeAtMs = new Float64Array(stations * servers);
    this.lastArrivalMs = new Float64Array(stations);
    this.busyMs = new Float64Array(stations);
  }

  /** Serves one customer; returns when its service ends. */
  serve(station: number, arrivalMs: number, serviceMs: number): number {
    invariant(arrivalMs >= this.lastArrivalMs[station], 'station arrivals in time order');
    this.lastArrivalMs[station] = arrivalMs;
    const base = station * this.servers;
    const free = this.freeAtMs;
    let best = base;
    for (let i = base + 1; i < base + this.servers; i++) if (free[i] < free[best]) best = i;
    const start = free[best] > arrivalMs ? free[best] : arrivalMs;
    const end = start + serviceMs;
    free[best] = end;
    this.lastStartMs = start;
    if (this.measuringNow) this.busyMs[station] += serviceMs;
    return end;
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
   */
  busyWithinMs(station: number, endMs: number): number {
    return Math.max(0, this.busyMs[station] - this.owedAfterMs(this.freeAtWhenStoppedMs ?? this.freeAtMs, station, endMs));
  }

  /** Work a station's servers have left after `tMs`, by their free times `free`. */
  private owedAfterMs(free: Float64Array, station: number, tMs: number): number {
    let owedMs = 0;
    for (let i = station * this.servers; i < (station + 1) * this.servers; i++) if (free[i] > tMs) owedMs += free[i] - tMs;
    return owedMs;
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
