import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { serviceDir } from '../support/commands.js';

const repositoryDir = path.join(serviceDir, '..');

/** The pages that promise to be true: the README and everything in docs/. */
function documents(): string[] {
  const docs = readdirSync(path.join(repositoryDir, 'docs'), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file));
  return ['README.md', ...docs.sort()];
}

// Where a page's paths start from: pages name files from the repository's root, their own folder, or the
// package or its src/ they are about (`polls/pages.ts` is service/src/polls/pages.ts).
const bases = ['.', 'service', 'service/src', 'service/test', 'stacks', 'stacks/src'];
const fileExtensions =
  /\.(ts|mts|cts|js|mjs|cjs|json|md|ya?ml|sh|njk|css|lua|svg|sql|txt|groovy|Containerfile)$/;

interface Named {
  readonly document: string;
  readonly line: number;
  readonly text: string;
}

/** Code spans, link targets and the words of code blocks of each page, with where they are. */
function namedThings(): Named[] {
  const named: Named[] = [];
  for (const document of documents()) {
    let inBlock = false;
    readFileSync(path.join(repositoryDir, document), 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const at = (found: string) => named.push({ document, line: index + 1, text: found });
        if (text.trimStart().startsWith('```')) {
          inBlock = !inBlock;
          return;
        }
        if (inBlock) {
          text.split(/\s+/).forEach(at);
          return;
        }
        // A span may be a command: each of its words is looked at.
        for (const [, span] of text.matchAll(/`([^`]+)`/g)) span!.split(/\s+/).forEach(at);
        for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) at(target!);
      });
  }
  return named;
}

/** A file or folder of the repository the text names, or undefined when the text is no such path. */
function pathIn(text: string): string | undefined {
  const candidate = text.replace(/#.*$/, '');
  // URLs, placeholders, globs, options, routes (/polls/:id/), config keys and home folders are not paths.
  if (/[:=$<>{}*…,;'"()[\]|]|^[-/.]*$|^[/~]/.test(candidate)) return undefined;
  if (candidate.endsWith('/') && candidate.length > 1) return candidate;
  return fileExtensions.test(candidate) ? candidate : undefined;
}

/** Every file name in the repository (but for installed packages), for pages that name a file alone. */
function fileNames(dir = repositoryDir, names = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    if (entry.isDirectory()) fileNames(path.join(dir, entry.name), names);
    else names.add(entry.name);
  }
  return names;
}

function exists(named: string, document: string, allNames: Set<string>): boolean {
  const folder = named.endsWith('/');
  const relative = named.replace(/\/$/, '');
  if (!folder && !relative.includes('/')) return allNames.has(relative);
  return [path.dirname(document), ...bases].some((base) => {
    const full = path.join(repositoryDir, base, relative);
    return existsSync(full) && (!folder || statSync(full).isDirectory());
  });
}

/** `npm run NAME` with its workspace (`-w service`, `--workspace stacks`), or the root's when none. */
function scriptsRun(text: string): { name: string; workspace: string }[] {
  return [...text.matchAll(/npm run(?: --?[a-z-]+)* ([\w:.-]*\w)([^`&;|]*)/g)].map(([, name, rest]) => ({
    name: name!,
    workspace: /(?:-w|--workspace)[ =](service|stacks)\b/.exec(rest!)?.[1] ?? '.',
  }));
}

function scriptsOf(workspace: string): Record<string, string> {
  const manifest = readFileSync(path.join(repositoryDir, workspace, 'package.json'), 'utf8');
  return (JSON.parse(manifest) as { scripts: Record<string, string> }).scripts;
}

describe('the README and docs/', () => {
  it('name only files and folders that exist', () => {
    const allNames = fileNames();
    const missing = namedThings()
      .map((named) => ({ ...named, path: pathIn(named.text) }))
      .filter((named) => named.path !== undefined && !exists(named.path, named.document, allNames))
      .map(({ document, line, path: named }) => `${document}:${line} names ${named}, which does not exist`);
    assert.deepEqual(missing, [], `looked from the page's folder and from ${bases.join(', ')}`);
  });

  it('name only `npm run` scripts that exist, in the package they name', () => {
    const missing: string[] = [];
    for (const document of documents()) {
      readFileSync(path.join(repositoryDir, document), 'utf8')
        .split('\n')
        .forEach((text, index) => {
          for (const { name, workspace } of scriptsRun(text)) {
            if (!(name in scriptsOf(workspace))) {
              const manifest = path.join(workspace, 'package.json');
              missing.push(`${document}:${index + 1} names npm run ${name}, which ${manifest} does not have`);
            }
          }
        });
    }
    assert.deepEqual(missing, []);
  });
});
