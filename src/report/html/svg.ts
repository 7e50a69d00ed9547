import { html, type Html } from './markup.ts';

/**
 * Charts as plain SVG written here, not a charting library: the page then needs no script at all (it
 * renders with scripts off, under a Content-Security-Policy that forbids them, and its bytes are the
 * same for the same run), nothing has to be inlined or kept up to date, and a test can count the marks
 * each chart drew. The few charts a report has (lines, bars, a heatmap) need only scales and axes.
 */

/** One size for every chart, in CSS pixels (the SVG scales to its column). */
export const WIDTH_PX = 640;
export const HEIGHT_PX = 300;
const MARGIN_PX = { left: 64, right: 16, top: 12, bottom: 44 };

/** Series colours (Tableau 10): told apart by most colour-blind readers, dashes separate p50 from p99. */
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export interface Axis {
  title: string;
  min: number;
  max: number;
  log: boolean;
}

/** A round step near `rough`: 1, 2 or 5 times a power of ten. */
function niceStep(rough: number): number {
  const mag = 10 ** Math.floor(Math.log10(rough));
  const f = rough / mag;
  return mag * (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10);
}

/** True when values spread over more than a decade or so: then a log axis shows them all. */
export function spreadsWide(values: readonly number[]): boolean {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  return pos.length > 1 && Math.max(...pos) / Math.min(...pos) >= 20;
}

/** An axis covering `values`, its ends rounded (whole decades on a log axis); `zero` starts a linear one at 0. */
export function axisFor(title: string, values: readonly number[], opts: { log?: boolean; zero?: boolean } = {}): Axis {
  const finite = values.filter((v) => Number.isFinite(v) && (!opts.log || v > 0));
  if (opts.log) {
    const lo = finite.length ? 10 ** Math.floor(Math.log10(Math.min(...finite))) : 1;
    const hi = finite.length ? 10 ** Math.ceil(Math.log10(Math.max(...finite))) : 10;
    return { title, min: lo, max: hi > lo ? hi : lo * 10, log: true };
  }
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (opts.zero) lo = Math.min(0, lo);
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo));
  const step = niceStep((hi - lo) / 5);
  return { title, min: Math.floor(lo / step) * step, max: Math.ceil(hi / step) * step, log: false };
}

/** Where `v` falls between pixel `from` (the axis minimum) and `to`; values past an end sit on it. */
export function position(a: Axis, v: number, from: number, to: number): number {
  const t = a.log ? (Math.log10(Math.max(v, a.min)) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min);
  return Math.round((from + Math.min(1, Math.max(0, t)) * (to - from)) * 10) / 10;
}

/** Tick values: round steps, or on a log axis each decade (with 2 and 5 when it spans two or fewer). */
export function ticks(a: Axis): number[] {
  const out: number[] = [];
  if (a.log) {
    const lo = Math.round(Math.log10(a.min));
    const hi = Math.round(Math.log10(a.max));
    for (let e = lo; e <= hi; e++) for (const m of hi - lo <= 2 ? [1, 2, 5] : [1]) if (m * 10 ** e <= a.max * (1 + 1e-9)) out.push(Number((m * 10 ** e).toPrecision(12)));
    return out;
  }
  const step = niceStep((a.max - a.min) / 5);
  for (let v = a.min; v <= a.max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A tick's label: three significant digits, large values shortened (20k, 5M) so ticks do not collide. */
export function tickLabel(v: number): string {
  const short = (x: number) => String(Number(x.toPrecision(3)));
  if (Math.abs(v) >= 1e9) return `${short(v / 1e9)}G`;
  if (Math.abs(v) >= 1e6) return `${short(v / 1e6)}M`;
  if (Math.abs(v) >= 1e4) return `${short(v / 1e3)}k`;
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return short(v);
}

/** At most about eight ticks: every other one of a long run of decades. */
const thin = (values: number[]) => (values.length > 9 ? values.filter((_, i) => i % 2 === 0) : values);

/** A chart's two axes, and the pixel position of a data point in its plot area. */
export class Frame {
  constructor(
    readonly x: Axis,
    readonly y: Axis,
  ) {}
  px(v: number): number {
    return position(this.x, v, MARGIN_PX.left, WIDTH_PX - MARGIN_PX.right);
  }
  py(v: number): number {
    return position(this.y, v, HEIGHT_PX - MARGIN_PX.bottom, MARGIN_PX.top);
  }
}

function axesMarkup(f: Frame): Html {
  const [left, right, top, bottom] = [MARGIN_PX.left, WIDTH_PX - MARGIN_PX.right, MARGIN_PX.top, HEIGHT_PX - MARGIN_PX.bottom];
  const xTicks = thin(ticks(f.x)).map((v) => html`<line x1="${f.px(v)}" x2="${f.px(v)}" y1="${top}" y2="${bottom}"/><text x="${f.px(v)}" y="${bottom + 14}" text-anchor="middle">${tickLabel(v)}</text>`);
  const yTicks = thin(ticks(f.y)).map((v) => html`<line x1="${left}" x2="${right}" y1="${f.py(v)}" y2="${f.py(v)}"/><text x="${left - 6}" y="${f.py(v) + 4}" text-anchor="end">${tickLabel(v)}</text>`);
  return html`<g class="grid">${xTicks}${yTicks}</g><rect class="frame" x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/><text class="title" x="${(left + right) / 2}" y="${HEIGHT_PX - 6}" text-anchor="middle">${f.x.title}${f.x.log ? ' (log scale)' : ''}</text><text class="title" transform="translate(14 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${f.y.title}${f.y.log ? ' (log scale)' : ''}</text>`;
}

/** An SVG plot: the axes under `body`; `marks` (the data points drawn) is kept for tests and readers. */
export function plot(f: Frame, body: Html, marks: number, label: string): Html {
  return html`<svg class="plot" viewBox="0 0 ${WIDTH_PX} ${HEIGHT_PX}" role="img" aria-label="${label}" data-marks="${marks}">${axesMarkup(f)}${body}</svg>`;
}

export interface LegendItem {
  name: string;
  colour: string;
  dashed?: boolean;
}

/** A legend under a chart: each series' line as drawn, and its name (text, so it can be copied). */
export function legend(items: readonly LegendItem[]): Html | null {
  if (items.length === 0) return null;
  const entry = (i: LegendItem) =>
    html`<li><svg class="swatch" viewBox="0 0 24 10" width="24" height="10" aria-hidden="true"><line x1="1" x2="23" y1="5" y2="5" stroke="${i.colour}" stroke-width="3"${i.dashed ? html` stroke-dasharray="5 3"` : ''}/></svg>${i.name}</li>`;
  return html`<ul class="legend">${items.map(entry)}</ul>`;
}

/** A chart in its frame: caption, drawing, legend and a note on how to read it. */
export function figure(id: string, title: string, drawing: Html, items: readonly LegendItem[] = [], note?: string): Html {
  return html`<figure class="chart" id="${id}"><figcaption>${title}</figcaption>${drawing}${legend(items)}${note ? html`<p class="note">${note}</p>` : ''}</figure>`;
}
