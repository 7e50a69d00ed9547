import type { SweepPoint, SweepReport } from '../sweep.ts';
import { layoutText } from '../sweep.ts';
import { formatMetric } from '../tables.ts';
import { lineChart, type Series } from './charts.ts';
import { html, type Html } from './markup.ts';
import { Frame, PALETTE, axisFor, figure, position, spreadsWide, tickLabel, type Axis } from './svg.ts';

/** What a heatmap's colour shows: a point's value (null: not run, or nothing to show) and its cell text. */
export interface Measure {
  title: string;
  value(p: SweepPoint): number | null;
  label(p: SweepPoint): string;
}

/** The highest load under the SLO (find-max-qps): 0 means no load met it. */
export const MAX_QPS: Measure = {
  title: 'highest load under the SLO (queries/s)',
  value: (p) => (p.status === 'ok' && p.qps > 0 ? p.qps : null),
  label: (p) => (p.status !== 'ok' ? 'does not fit' : p.qps > 0 ? tickLabel(p.qps) : 'none'),
};

/** The p99 at the point's fixed load; a cross marks a point that misses the SLO. */
export const P99_MS: Measure = {
  title: 'p99 latency (ms)',
  value: (p) => (p.status === 'ok' ? p.latencyMs.p99 : null),
  label: (p) => (p.status !== 'ok' ? 'does not fit' : `${formatMetric('latencyMs', p.latencyMs.p99)}${p.meetsSlo ? '' : ' \u2717'}`),
};

/** Viridis at five stops: even in lightness, so the order of colours reads in grey too. */
const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
const NO_VALUE = '#d9d9d9';

function mix(a: string, b: string, t: number): string {
  const ch = (s: string, i: number) => parseInt(s.slice(1 + 2 * i, 3 + 2 * i), 16);
  return '#' + [0, 1, 2].map((i) => Math.round(ch(a, i) + (ch(b, i) - ch(a, i)) * t).toString(16).padStart(2, '0')).join('');
}

/** Perceived lightness of a colour, 0 to 255 (Rec. 709 weights): dark text goes on light cells. */
function lightness(colour: string): number {
  const [r, g, b] = [0, 1, 2].map((i) => parseInt(colour.slice(1 + 2 * i, 3 + 2 * i), 16));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Colour of `t` in [0, 1] on the viridis ramp. */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[i], VIRIDIS[i + 1], x - i);
}

interface Indexed {
  point: SweepPoint;
  index: number;
}

/** Points grouped by every axis but shards and replicas (mode, terms, --set fields, a fixed load), in order. */
export function facets(points: readonly SweepPoint[]): { label: string; cells: Indexed[] }[] {
  const groups = new Map<string, Indexed[]>();
  points.forEach((point, index) => {
    const key = Object.entries(point.params)
      .filter(([k]) => k !== 'shards' && k !== 'replicas')
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    groups.set(key, [...(groups.get(key) ?? []), { point, index }]);
  });
  return [...groups].map(([label, cells]) => ({ label, cells }));
}

/** A facet's values of a layout axis; a sweep that left the axis out has the scenario's one value. */
const SCENARIOS = "scenario's";
const coordinate = (p: SweepPoint, axis: string) => p.params[axis] ?? SCENARIOS;
const distinct = (cells: readonly Indexed[], axis: string) => [...new Set(cells.map((c) => coordinate(c.point, axis)))];

const CELL = { left: 84, top: 34, bottom: 40, right: 12, maxW: 120, maxH: 52 };

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function cellMarkup(c: Indexed | undefined, b: Box, colour: (p: SweepPoint) => string, m: Measure): Html {
  if (!c) return html`<rect class="empty" x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="#fff"/>`;
  const fill = colour(c.point);
  const tip = `${layoutText(c.point)}: ${c.point.machines} machines, ${m.label(c.point)}${c.point.meetsSlo ? ', meets the SLO' : ', misses the SLO'}`;
  const text = html`<text class="${lightness(fill) > 140 ? 'on-light' : 'on-dark'}" x="${b.x + b.w / 2}" y="${b.y + b.h / 2 + 4}" text-anchor="middle">${m.label(c.point)}</text>`;
  return html`<g><rect class="cell" x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="${fill}"><title>${tip}</title></rect>${text}</g>`;
}

/** Outlines go on top of every cell, so a neighbour drawn later cannot hide half of one. */
const outline = (b: Box) => html`<rect class="outline" x="${b.x + 1.5}" y="${b.y + 1.5}" width="${b.w - 3}" height="${b.h - 3}"/>`;

/** The colour ramp's key: a gradient bar with the scale's ends. */
function colourKey(id: string, scale: Axis, x: number, y: number): Html {
  const stops = VIRIDIS.map((c, i) => html`<stop offset="${i / (VIRIDIS.length - 1)}" stop-color="${c}"/>`);
  return html`<defs><linearGradient id="${id}-ramp">${stops}</linearGradient></defs><rect x="${x}" y="${y}" width="160" height="10" fill="url(#${id}-ramp)"/><text x="${x - 4}" y="${y + 9}" text-anchor="end">${tickLabel(scale.min)}</text><text x="${x + 164}" y="${y + 9}">${tickLabel(scale.max)}${scale.log ? ' (log)' : ''}</text>`;
}

/** One facet as a grid: shards down, replicas across, a cell a layout coloured by the measure. */
/** What every facet of a page's heatmaps shares: the measure, its colour scale, the outlined points. */
interface Shading {
  m: Measure;
  scale: Axis;
  marked: ReadonlySet<number>;
  note: string;
}

function heatmap(id: string, title: string, cells: readonly Indexed[], { m, scale, marked, note }: Shading): Html {
  const rows = distinct(cells, 'shards');
  const cols = distinct(cells, 'replicas');
  const [w, h] = [Math.min(CELL.maxW, 520 / cols.length), Math.min(CELL.maxH, 320 / rows.length)];
  const at = (r: string | number, c: string | number) => cells.find((x) => coordinate(x.point, 'shards') === r && coordinate(x.point, 'replicas') === c);
  const box = (i: number, j: number): Box => ({ x: CELL.left + j * w, y: CELL.top + i * h, w, h });
  const colour = (p: SweepPoint) => {
    const v = m.value(p);
    return v === null ? NO_VALUE : viridis(position(scale, v, 0, 1));
  };
  const grid = rows.flatMap((r, i) => cols.map((c, j) => cellMarkup(at(r, c), box(i, j), colour, m)));
  const outlines = rows.flatMap((r, i) => cols.map((c, j) => (marked.has(at(r, c)?.index ?? -1) ? outline(box(i, j)) : null)));
  const rowLabels = rows.map((r, i) => html`<text x="${CELL.left - 6}" y="${CELL.top + i * h + h / 2 + 4}" text-anchor="end">${r}</text>`);
  const colLabels = cols.map((c, j) => html`<text x="${CELL.left + j * w + w / 2}" y="${CELL.top - 6}" text-anchor="middle">${c}</text>`);
  const [width, height] = [CELL.left + cols.length * w + CELL.right, CELL.top + rows.length * h + CELL.bottom];
  const svgWidth = Math.max(width, 300);
  const svg = html`<svg class="heatmap" width="${svgWidth}" height="${height}" viewBox="0 0 ${svgWidth} ${height}" data-marks="${cells.length}" role="img" aria-label="${title}"><text class="title" x="${CELL.left}" y="12">replicas \u2192</text><text class="title" x="4" y="${CELL.top - 6}">shards \u2193</text>${colLabels}${rowLabels}${grid}${outlines}${colourKey(id, scale, CELL.left + 24, height - 18)}</svg>`;
  return figure(id, title, svg, [], note);
}

/** A heatmap a facet, all on one colour scale so facets compare; `marked` cells are outlined. */
export function heatmaps(points: readonly SweepPoint[], m: Measure, marked: ReadonlySet<number>, markedName: string): Html[] {
  const values = points.map(m.value).filter((v): v is number => v !== null);
  // The colour scale spans the values exactly (not rounded out like an axis), for the most contrast.
  const log = spreadsWide(values);
  const scale: Axis = { title: m.title, min: values.length ? Math.min(...values) : 0, max: values.length ? Math.max(...values) : 1, log };
  if (!(scale.max > scale.min)) scale.max = scale.min + 1;
  const shading = { m, scale, marked, note: `Colour: ${m.title}; grey: not run or nothing under the SLO. Outlined: ${markedName}.` };
  return facets(points).map((f, i) => heatmap(`heatmap-${i}`, f.label ? `${m.title}: ${f.label}` : m.title, f.cells, shading));
}

const byMachines = (points: readonly SweepPoint[], idx: readonly number[]) => idx.map((i) => points[i]).sort((a, b) => a.machines - b.machines);

/** Machines against the highest load under the SLO, every layout a dot, the frontier a black line. */
function maxQpsFrontier(r: SweepReport): Html {
  const ok = r.points.filter((p) => p.status === 'ok');
  const dot = (p: SweepPoint) => ({ x: p.machines, y: p.qps, open: !p.meetsSlo, title: `${layoutText(p)}: ${p.machines} machines, ${p.qps.toFixed(1)} queries/s` });
  const series: Series[] = [
    { name: 'layouts', colour: PALETTE[0], line: false, points: ok.map(dot) },
    { name: 'Pareto frontier', colour: '#000', marks: false, lineClass: 'frontier', points: byMachines(r.points, r.frontier.byMaxQps).map(dot) },
  ];
  const machines = ok.map((p) => p.machines);
  const f = new Frame(axisFor('machines', machines, { log: spreadsWide(machines), zero: !spreadsWide(machines) }), axisFor('highest load under the SLO (queries/s)', ok.map((p) => p.qps), { zero: true }));
  return lineChart('frontier', 'Machines against load: the Pareto frontier', f, series, 'On the frontier: no other layout has both fewer machines and more load under the SLO.');
}

/** At each fixed load, machines against p99, a colour a load, its frontier a line of the same colour. */
function p99Frontier(r: SweepReport): Html {
  const ok = r.points.filter((p) => p.status === 'ok');
  const dot = (p: SweepPoint) => ({ x: p.machines, y: p.latencyMs.p99, open: !p.meetsSlo, title: `${layoutText(p)} at ${p.qps} queries/s: ${p.machines} machines, p99 ${formatMetric('latencyMs', p.latencyMs.p99)} ms` });
  const series: Series[] = r.frontier.byP99.flatMap((f, i) => [
    { name: `${f.qps} queries/s`, colour: PALETTE[i % PALETTE.length], line: false, points: ok.filter((p) => p.qps === f.qps).map(dot) },
    { name: '', colour: PALETTE[i % PALETTE.length], marks: false, lineClass: 'frontier', points: byMachines(r.points, f.points).map(dot) },
  ]);
  const machines = ok.map((p) => p.machines);
  const p99s = ok.map((p) => p.latencyMs.p99);
  const f = new Frame(axisFor('machines', machines, { log: spreadsWide(machines), zero: !spreadsWide(machines) }), axisFor('p99 latency (ms)', p99s, { log: spreadsWide(p99s), zero: !spreadsWide(p99s) }));
  return lineChart('frontier', 'Machines against p99: the Pareto frontier at each load', f, series, 'Lines join the frontier: no other layout has both fewer machines and a lower p99 at that load. Open dots miss the SLO.');
}

/** The frontier chart of a sweep, when it has layouts that ran. */
export function frontierChart(r: SweepReport): Html | null {
  if (!r.points.some((p) => p.status === 'ok')) return null;
  return r.load === 'find-max-qps' ? maxQpsFrontier(r) : p99Frontier(r);
}
