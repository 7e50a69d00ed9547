import { html, raw, type Html, type Part } from './markup.ts';

/**
 * The page's whole style: system fonts only (no web font to fetch), charts in a grid that reflows.
 * The Content-Security-Policy below forbids every fetch and every script, so the page provably loads
 * nothing from the network and nothing a user wrote can run, even if an escape were ever missed.
 */
const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #fff; }
body { margin: 0 auto; max-width: 1400px; padding: 16px 24px 32px; }
h1 { font-size: 1.45rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 28px 0 10px; }
.sub { color: #555; margin: 2px 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg.plot { width: 100%; height: auto; display: block; }
svg.heatmap { display: block; max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: #333; } svg text.title { font-size: 12px; fill: #555; }
svg text.on-dark { fill: #fff; } svg text.on-light { fill: #111; }
.grid line { stroke: #eee; } rect.frame { fill: none; stroke: #999; }
path.line { fill: none; stroke-width: 2; } path.frontier { fill: none; stroke-width: 2.5; }
line.reference { stroke: #333; stroke-width: 1.5; stroke-dasharray: 6 4; }
rect.cell { stroke: #fff; stroke-width: 1; } rect.outline { fill: none; stroke: #000; stroke-width: 3; }
.legend { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.85rem; }
.swatch { vertical-align: middle; margin-right: 6px; }
.note { color: #555; font-size: 0.85rem; margin: 6px 0 0; }
table { border-collapse: collapse; font-size: 0.88rem; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
footer { margin-top: 32px; color: #777; font-size: 0.8rem; }
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A whole page: `title` in the tab and heading, `intro` lines under it, then the sections. */
export function page(title: string, intro: readonly string[], sections: readonly Part[]): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><h1>${title}</h1>${intro.map((line) => html`<p class="sub">${line}</p>`)}</header>
<main>${sections}</main>
<footer>Written by searchsim. This page is self-contained: it loads nothing and runs no script.</footer>
</body>
</html>
`.text;
}

/** A titled section; nothing at all when it has no content (a chart whose data is absent). */
export function section(title: string, ...content: (Html | null)[]): Html | null {
  const present = content.filter((c): c is Html => c !== null);
  return present.length === 0 ? null : html`<section><h2>${title}</h2>${present}</section>`;
}

/** Charts side by side; null ones (no data) left out. */
export function chartGrid(charts: readonly (Html | null)[]): Html | null {
  const present = charts.filter((c): c is Html => c !== null);
  return present.length === 0 ? null : html`<div class="charts">${present}</div>`;
}

/** A table of text: every cell escaped. */
export function dataTable(header: readonly string[], rows: readonly (readonly (string | number)[])[], id?: string): Html {
  const head = html`<tr>${header.map((h) => html`<th>${h}</th>`)}</tr>`;
  const body = rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`);
  return html`<table${id ? html` id="${id}"` : ''}><thead>${head}</thead><tbody>${body}</tbody></table>`;
}
