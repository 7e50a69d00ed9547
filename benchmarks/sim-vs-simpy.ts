/**
 * Event-engine throughput: searchsim's kernel against SimPy, in the same run, on the classic hold model
 * (Vaucher & Duval, "A comparison of simulation event list algorithms", CACM 18(4), 1975; Jones, "An
 * empirical comparison of priority-queue and event-set implementations", CACM 29(4), 1986): keep a
 * fixed number of pending events (10,000 here); each event, when it fires, schedules one new event at
 * now + an exponential delay (mean 1). Throughput is events fired per second of wall time.
 *
 * SimPy side: benchmarks/simpy_hold.py on SimPy 2.3 (Debian's python3-simpy: `apt-get install -y
 * python3-simpy`), one SimPy Process per pending event looping on `yield hold`. If no Python with SimPy
 * is found, only our figures are printed.
 *
 * Second model: an M/M/1 queue at utilisation 0.8 (Poisson arrivals, exponential service of mean 1, one
 * FIFO server), as each library's users write one: here callbacks and `Resource`; in SimPy
 * (benchmarks/simpy_mm1.py) a Source process activating a Customer process per arrival that requests,
 * holds and releases a `Resource`. Throughput is customers served per second of wall time; both sides
 * print their mean response time, which must be near the closed form 1 / (1 - 0.8) = 5.
 *
 * Run: npx tsx benchmarks/sim-vs-simpy.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';
import { EventHeap, LadderQueue, Resource, Simulation } from '../src/sim/index.ts';

const PENDING_EVENTS = 10_000;
const SEED = 42;
const MEAN_DELAY_MS = 1;
/** Events per timed repetition of our kernel (about a second each). */
const OUR_EVENTS = 20_000_000;
/** SimPy is slower; fewer events give the same timing precision in similar wall time. */
const SIMPY_EVENTS = 500_000;
const REPETITIONS = 3;
const TARGET_RATIO = 30;

/** One timed run: how many things (events, customers) in how many seconds of wall time. */
interface Measurement {
  count: number;
  seconds: number;
  /** M/M/1 only: the mean response time, to set beside the closed form. */
  meanResponse?: number;
}
const rate = (m: Measurement): number => m.count / m.seconds;

/** Times `run`, which returns how many things it did. */
function timed(run: () => number): Measurement {
  const startMs = performance.now();
  const count = run();
  return { count, seconds: (performance.now() - startMs) / 1000 };
}

/** Our kernel: callbacks on Simulation, delays from Rng. */
function holdOnSimulation(events: number, seed: number): Measurement {
  const sim = new Simulation();
  const rng = new Rng(seed);
  const hold = (): void => {
    sim.schedule(rng.exponential(MEAN_DELAY_MS), hold);
    if (sim.processedEvents >= events) sim.stop();
  };
  for (let i = 0; i < PENDING_EVENTS; i++) sim.schedule(rng.exponential(MEAN_DELAY_MS), hold);
  return timed(() => {
    sim.run();
    return sim.processedEvents;
  });
}

/** A pending-event set alone (no callbacks, no slots): the floor under the kernel's cost. */
function holdOnQueue(make: () => EventHeap | LadderQueue, events: number, seed: number): Measurement {
  const queue = make();
  const rng = new Rng(seed);
  for (let i = 0; i < PENDING_EVENTS; i++) queue.push(rng.exponential(MEAN_DELAY_MS), i);
  return timed(() => {
    for (let i = 0; i < events; i++) {
      const nowMs = queue.peekTimeMs();
      const payload = queue.pop();
      queue.push(nowMs + rng.exponential(MEAN_DELAY_MS), payload);
    }
    return events;
  });
}
const ladder = (): LadderQueue => new LadderQueue(PENDING_EVENTS);
const binaryHeap = (): EventHeap => new EventHeap(PENDING_EVENTS);

const MM1_UTILISATION = 0.8;
const OUR_CUSTOMERS = 8_000_000;
const SIMPY_CUSTOMERS = 200_000;

/** M/M/1 on our kernel: an arrival schedules the next one and asks the server for an exponential service. */
function mm1OnSimulation(customers: number, seed: number): Measurement {
  const sim = new Simulation();
  const rng = new Rng(seed);
  const server = new Resource(sim, { servers: 1, name: 'server' });
  let served = 0;
  let responseSum = 0;
  const arrive = (): void => {
    const arrivedMs = sim.nowMs;
    server.request(rng.exponential(MEAN_DELAY_MS), (_startMs, endMs) => {
      responseSum += endMs - arrivedMs;
      if (++served >= customers) sim.stop();
    });
    sim.schedule(rng.exponential(MEAN_DELAY_MS / MM1_UTILISATION), arrive);
  };
  sim.schedule(0, arrive);
  const m = timed(() => {
    sim.run();
    return served;
  });
  return { ...m, meanResponse: responseSum / served };
}

/** Runs one of the SimPy scripts beside this file; each prints {count, seconds, meanResponse?} as JSON. */
function onSimpy(python: string, script: string, args: number[]): Measurement {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const run = spawnSync(python, [path, ...args.map(String)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Measurement;
}

/** Runs `measure` REPETITIONS times (seeds SEED, SEED + 1, ...) and keeps the run of median rate. */
function medianRun(measure: (seed: number) => Measurement): Measurement {
  const runs = Array.from({ length: REPETITIONS }, (_, i) => measure(SEED + i));
  return runs.sort((a, b) => rate(a) - rate(b))[Math.floor(runs.length / 2)];
}

/** The first Python that can import SimPy 2's API (pyenv's python3 may not see Debian's packages). */
function findSimpyPython(): { python: string; version: string } | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const code = 'import sys, SimPy, SimPy.Simulation; print(SimPy.__version__, sys.version.split()[0])';
    const probe = spawnSync(python, ['-c', code], { encoding: 'utf8' });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return undefined;
}

/** A result line: label, rate in millions of `unit` a second, and what it was measured on. */
function line(label: string, m: Measurement, unit: 'events' | 'customers'): string {
  const response = m.meanResponse === undefined ? '' : `, mean response ${m.meanResponse.toFixed(3)}`;
  const detail = `median of ${REPETITIONS}; ${m.count.toLocaleString('en-US')} ${unit} in ${m.seconds.toFixed(2)} s${response}`;
  const figure = `${(rate(m) / 1e6).toFixed(unit === 'events' ? 2 : 3)} M ${unit}/s`;
  return `${label.padEnd(44)} ${figure.padStart(19)}   (${detail})`;
}

function main(): void {
  const pending = PENDING_EVENTS.toLocaleString('en-US');
  console.log(`hold model: ${pending} pending events, exponential delays (mean ${MEAN_DELAY_MS}), seed ${SEED}`);
  console.log(`node ${process.version}`);

  // One untimed run so that V8 has compiled the hot paths before we time them.
  holdOnSimulation(OUR_EVENTS / 5, SEED);
  const ours = medianRun((seed) => holdOnSimulation(OUR_EVENTS, seed));
  holdOnQueue(ladder, OUR_EVENTS / 5, SEED);
  const ladderOnly = medianRun((seed) => holdOnQueue(ladder, OUR_EVENTS, seed));
  holdOnQueue(binaryHeap, OUR_EVENTS / 5, SEED);
  const heapOnly = medianRun((seed) => holdOnQueue(binaryHeap, OUR_EVENTS, seed));
  console.log(line('searchsim Simulation (callbacks + Rng)', ours, 'events'));
  console.log(line('searchsim LadderQueue alone (+ Rng)', ladderOnly, 'events'));
  console.log(line('searchsim EventHeap alone (+ Rng)', heapOnly, 'events'));

  mm1OnSimulation(OUR_CUSTOMERS / 5, SEED);
  const oursMm1 = medianRun((seed) => mm1OnSimulation(OUR_CUSTOMERS, seed));

  const simpy = findSimpyPython();
  if (simpy === undefined) {
    console.log(`\nM/M/1 at utilisation ${MM1_UTILISATION} (closed-form mean response 5)`);
    console.log(line('searchsim Simulation + Resource', oursMm1, 'customers'));
    console.log('SimPy: not found (no python3 can import SimPy; install it with `apt-get install -y python3-simpy`)');
    console.log('ratios: not measured');
    return;
  }
  const [simpyVersion, pythonVersion] = simpy.version.split(' ');
  const verdict = (r: number): string => (r >= TARGET_RATIO ? 'meets' : 'below');
  const theirs = medianRun((seed) => onSimpy(simpy.python, 'simpy_hold.py', [PENDING_EVENTS, SIMPY_EVENTS, seed]));
  console.log(line(`SimPy ${simpyVersion} (Python ${pythonVersion}, yield hold)`, theirs, 'events'));
  const ratio = rate(ours) / rate(theirs);
  console.log(`ratio: searchsim Simulation / SimPy = ${ratio.toFixed(1)}x (${verdict(ratio)} the ${TARGET_RATIO}x target)`);

  const theirsMm1 = medianRun((seed) => onSimpy(simpy.python, 'simpy_mm1.py', [SIMPY_CUSTOMERS, MM1_UTILISATION, seed]));
  console.log(`\nM/M/1 at utilisation ${MM1_UTILISATION} (closed-form mean response 5)`);
  console.log(line('searchsim Simulation + Resource', oursMm1, 'customers'));
  console.log(line(`SimPy ${simpyVersion} (Process, request/hold/release)`, theirsMm1, 'customers'));
  const ratioMm1 = rate(oursMm1) / rate(theirsMm1);
  console.log(`ratio: searchsim / SimPy = ${ratioMm1.toFixed(1)}x (${verdict(ratioMm1)} the ${TARGET_RATIO}x target)`);
}

main();
