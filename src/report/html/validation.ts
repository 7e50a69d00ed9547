import type { Validation } from '../validation.ts';
import { lineChart, type Series } from './charts.ts';
import type { Html } from './markup.ts';
import { Frame, PALETTE, axisFor } from './svg.ts';

/**
 * Latency against load, live and predicted: p50 and p99 a line each side (live solid, with each point's
 * range in its tooltip; the model dashed), on a log latency axis so the median and the tail both show.
 */
export function validationChart(v: Validation): Html | null {
  if (v.rows.length === 0) return null;
  const series: Series[] = [];
  for (const [i, q] of (['p50Ms', 'p99Ms'] as const).entries()) {
    const name = q === 'p50Ms' ? 'p50' : 'p99';
    const colour = PALETTE[i];
    series.push({
      name: `live ${name}`,
      colour,
      points: v.rows.map((r) => ({ x: r.load * 100, y: r.live[q].value, title: `live ${name} at ${(r.load * 100).toFixed(0)} % (${r.qps.toFixed(1)} q/s): ${r.live[q].value.toFixed(2)} ms, runs ${r.live[q].low.toFixed(2)}-${r.live[q].high.toFixed(2)} ms` })),
    });
    series.push({
      name: `model ${name}`,
      colour,
      dashed: true,
      points: v.rows.map((r) => ({ x: r.load * 100, y: r.predicted[q], title: `model ${name} at ${(r.load * 100).toFixed(0)} %: ${r.predicted[q].toFixed(2)} ms (${r.errorPct[q] >= 0 ? '+' : ''}${r.errorPct[q].toFixed(0)} % against live)` })),
    });
  }
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const f = new Frame(axisFor('load (% of the live capacity)', v.rows.map((r) => r.load * 100), { zero: true }), axisFor('latency (ms)', ys, { log: true }));
  return lineChart('validation', 'Latency against load: live and model', f, series, `Live: the median of ${v.repetitions} runs of ${v.durationS} s (hover for the range). Model: the simulation of the same queries on hardware ${v.hardware}.`);
}
