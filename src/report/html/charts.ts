import { html, type Html } from './markup.ts';
import { Frame, figure, plot, type LegendItem } from './svg.ts';

export interface SeriesPoint {
  x: number;
  y: number;
  /** The tooltip: what the point is, in words and numbers. */
  title: string;
  /** Drawn open: a point that misses the SLO. */
  open?: boolean;
}

export interface Series extends LegendItem {
  points: SeriesPoint[];
  /** Joined by a line (default) and marked with dots (default); the frontier is a line only. */
  line?: boolean;
  marks?: boolean;
  /** Class of the line, for a series with its own look (the Pareto frontier). */
  lineClass?: string;
}

const pathOf = (f: Frame, pts: readonly SeriesPoint[]) => pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${f.px(p.x)} ${f.py(p.y)}`).join(' ');

function seriesMarkup(f: Frame, s: Series): Html {
  const line = s.line !== false && s.points.length > 1 ? html`<path class="${s.lineClass ?? 'line'}" d="${pathOf(f, s.points)}" stroke="${s.colour}"${s.dashed ? html` stroke-dasharray="6 4"` : ''}/>` : null;
  const dots = s.marks === false ? [] : s.points.map((p) => html`<circle class="pt" cx="${f.px(p.x)}" cy="${f.py(p.y)}" r="3.5" stroke="${s.colour}" fill="${p.open ? '#fff' : s.colour}"><title>${p.title}</title></circle>`);
  return html`<g class="series">${line}${dots}</g>`;
}

/** Lines with dotted data points (each dot carries its figures as a tooltip). */
export function lineChart(id: string, title: string, f: Frame, series: readonly Series[], note?: string): Html {
  const marks = series.reduce((n, s) => n + (s.marks === false ? 0 : s.points.length), 0);
  const items = series.filter((s) => s.name !== '');
  return figure(id, title, plot(f, html`${series.map((s) => seriesMarkup(f, s))}`, marks, title), items, note);
}

export interface Bar {
  /** Left and right ends on the x axis. */
  x0: number;
  x1: number;
  y: number;
  title: string;
}

/** Bars from the x axis up, with an optional dashed reference line (a mean). */
export function barChart(id: string, title: string, f: Frame, bars: readonly Bar[], colour: string, reference?: { y: number; name: string }, note?: string): Html {
  const rects = bars.map((b) => {
    const [x0, x1, top, base] = [f.px(b.x0), f.px(b.x1), f.py(b.y), f.py(f.y.min)];
    const gap = x1 - x0 > 4 ? 1 : 0;
    return html`<rect class="bar" x="${x0 + gap / 2}" y="${top}" width="${Math.max(0.5, x1 - x0 - gap)}" height="${Math.max(0, base - top)}" fill="${colour}"><title>${b.title}</title></rect>`;
  });
  const ref = reference ? html`<line class="reference" x1="${f.px(f.x.min)}" x2="${f.px(f.x.max)}" y1="${f.py(reference.y)}" y2="${f.py(reference.y)}"/>` : null;
  const items = reference ? [{ name: reference.name, colour: '#333', dashed: true }] : [];
  return figure(id, title, plot(f, html`${rects}${ref}`, bars.length, title), items, note);
}
