import * as fs from 'node:fs';
import * as path from 'node:path';

/** The `## <slug>` sections of docs/runbook.md, by slug, with their text. */
export function runbookSections(): Map<string, string> {
  const text = fs.readFileSync(path.resolve(__dirname, '../../../docs/runbook.md'), 'utf8');
  const sections = new Map<string, string>();
  const headings = [...text.matchAll(/^## ([a-z0-9-]+)$/gm)];
  headings.forEach((heading, index) => {
    const end = headings[index + 1]?.index ?? text.length;
    sections.set(heading[1]!, text.slice(heading.index!, end));
  });
  return sections;
}
