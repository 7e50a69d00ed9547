/**
 * FIFO stations: the plain Lindley bank beside the tracking bank (requests that can leave early) when
 * nothing leaves, on the cluster's common case: many stations, arrivals in time order.
 *
 *   npx tsx benchmarks/stations.ts [--customers 20000000]
 */
import { StationBank, type StationListener } from '../src/cluster/index.ts';
import { Rng } from '../src/core/index.ts';

const args = process.argv.slice(2);
const customers = Number(args[args.indexOf('--customers') + 1] ?? 0) || 20_000_000;
const STATIONS = 1200;
const SERVERS = 2;
const listener: StationListener = { moved: () => {}, failed: () => {} };

/** Customers served a second: Poisson arrivals spread over the stations at utilisation 0.8. */
function run(bank: StationBank): number {
  const rng = new Rng(7);
  // Precomputed draws, so both banks see the same customers and the draws cost neither.
  const n = 1_000_000;
  const gaps = Float64Array.from({ length: n }, () => rng.exponential(1 / (0.8 * STATIONS * SERVERS)));
  const service = Float64Array.from({ length: n }, () => rng.exponential(1));
  const station = Int32Array.from({ length: n }, () => rng.int(STATIONS));
  let t = 0;
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < customers; i++) {
    const j = i % n;
    t += gaps[j];
    sink += bank.serve(station[j], t, service[j], i);
  }
  const s = (performance.now() - t0) / 1000;
  if (sink === 42) console.log('');
  return customers / s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plain: number[] = [];
const tracked: number[] = [];
for (let r = 0; r < 5; r++) {
  plain.push(run(new StationBank(STATIONS, SERVERS)));
  tracked.push(run(new StationBank(STATIONS, SERVERS, listener)));
}
const m = (x: number) => `${(x / 1e6).toFixed(1)} M/s`;
console.log(`${customers.toLocaleString('en-US')} customers, ${STATIONS} stations x ${SERVERS} servers, utilisation 0.8; median of 5 (alternating)`);
console.log(`plain (Lindley):      ${m(median(plain))}  [${plain.map(m).join(', ')}]`);
console.log(`tracking, no cancels: ${m(median(tracked))}  [${tracked.map(m).join(', ')}]`);
console.log(`tracking / plain:     ${(median(tracked) / median(plain)).toFixed(2)}`);
