import nunjucks from 'nunjucks';
import { fileURLToPath } from 'node:url';

export const viewsDir = fileURLToPath(new URL('../../views/', import.meta.url));

export type Render = (template: string, context: Record<string, unknown>) => string;

// Built once: Date#toLocaleString builds a new formatter on every call, which was most of the index page's
// CPU time when it listed five dates (docs/benchmarks.md, "Figures behind the code").
const longDateFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** A moment as every page shows it: "8 December 2026 at 14:00 UTC". */
export function longDate(date: Date): string {
  return `${longDateFormat.format(date)} UTC`;
}

/**
 * Compiles each template once and keeps it (no file watching), with every value HTML-escaped unless a
 * template says otherwise.
 */
export function createRenderer(globals: Record<string, unknown>): Render {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(viewsDir, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);
  env.addFilter('isoDate', (date: Date) => date.toISOString());
  env.addFilter('longDate', longDate);
  env.addFilter('plural', (count: number, singular: string, plural: string) =>
    count === 1 ? singular : plural,
  );
  return (template, context) => env.render(template, context);
}
