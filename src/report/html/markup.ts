/**
 * Markup that is safe by construction. Every report page is built with the `html` tag: whatever is
 * interpolated is escaped unless it is already `Html`, so a scenario named `<script>alert(1)</script>`
 * (or a trace path, a `--set` value, a query) can only ever become text. Forgetting to escape would need
 * an explicit `raw()`, which is kept for constants of this folder (the style sheet).
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What may be interpolated: markup, text (escaped), numbers, nothing (false, null), or lists of these. */
export type Part = Html | string | number | null | undefined | false | readonly Part[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(part: Part): string {
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === null || part === undefined || part === false) return '';
  return escapeHtml(String(part));
}

/** The tag every page and chart is written with: interpolations escaped, `Html` kept as it is. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0];
  parts.forEach((p, i) => {
    out += render(p) + strings[i + 1];
  });
  return new Html(out);
}

/** Trusted markup, for this folder's own constants only (never for anything a user wrote). */
export function raw(text: string): Html {
  return new Html(text);
}
