import type { PreparedQuery } from '../cluster/index.ts';
import { errors } from '../core/index.ts';
import type { ArrivalSpec } from './arrivals.ts';
import type { ReplayRun } from './driver.ts';

/**
 * Closed loop: `clients` clients, each sending its next query a think time after its previous answer
 * (exponential with mean `thinkMs`, or fixed). Queries are prepared a chunk at a time; a client that
 * finds none ready pauses the clock until the next chunk is.
 */
export async function driveClosedLoop(run: ReplayRun, spec: Extract<ArrivalSpec, { kind: 'closed' }>): Promise<void> {
  const { clients, thinkMs } = spec;
  if (!Number.isInteger(clients) || clients < 1) throw errors.option('workload.arrival.clients', 'a positive integer', clients);
  const thinkFixed = spec.think === 'fixed';
  const thinkRng = run.rng.fork('think');
  const { clock, queries } = run;
  const moreToCome = (): boolean => !queries.exhausted && queries.prepared < queries.total;
  const buffer: PreparedQuery[] = [];
  let starved: number[] = [];
  const startNext = (client: number): void => {
    const q = buffer.shift();
    if (!q) {
      starved.push(client);
      if (moreToCome()) clock.stop();
      return;
    }
    run.arrive(q, (o) => {
      const think = thinkFixed ? thinkMs : thinkRng.exponential(thinkMs);
      clock.at(o.doneMs + think, () => startNext(client));
    });
  };
  buffer.push(...(await queries.nextChunk()).prepared);
  for (let c = 0; c < clients; c++) clock.at(0, () => startNext(c));
  for (;;) {
    await clock.advance();
    if (starved.length === 0 || !moreToCome()) break;
    const more = (await queries.nextChunk()).prepared;
    if (more.length === 0) break;
    buffer.push(...more);
    const waiting = starved;
    starved = [];
    for (const c of waiting) clock.at(clock.nowMs, () => startNext(c));
  }
  // Requests still in flight (a disk read, a CPU stage) finish before the run ends.
  await clock.advance();
}
