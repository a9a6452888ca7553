import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isRunning } from './process-running.js';

/**
 * Where templates are kept unless EMBEDDED_TEMPLATE_DIR says otherwise: beside the installed PGlite, so they
 * go with the install they were made by (`npm ci` empties node_modules).
 */
export function templatesBesidePGlite(): string {
  return path.join(pglitePackageDir(), '..', '..', '.cache', 'polls-embedded-template');
}

/** The installed PGlite's version: its data directories are what a template must match. */
export function installedPGliteVersion(): string {
  const manifest = readFileSync(path.join(pglitePackageDir(), 'package.json'), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

/** node_modules/@electric-sql/pglite, found from its entry point (dist/): its package.json is not exported. */
function pglitePackageDir(): string {
  return path.dirname(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')));
}

export interface TemplateStore {
  /** Where templates are kept, one directory per PGlite version. */
  readonly dir: string;
  readonly version: string;
  /** Makes a cluster in an empty directory and shuts it down cleanly. */
  make(pgdata: string): Promise<void>;
}

/**
 * The template of this PGlite version's clusters, made first if there is none. A template appears only
 * whole, by a rename, so a maker that dies leaves a partial directory that is never used (and is removed
 * once its process is gone); makers that race each make their own, and the first rename wins.
 */
export async function clusterTemplate(store: TemplateStore): Promise<string> {
  const template = path.join(store.dir, `pglite-${store.version}`);
  if (existsSync(template)) return template;
  mkdirSync(store.dir, { recursive: true });
  removeAbandonedPartials(store.dir);
  const partial = mkdtempSync(path.join(store.dir, `${partialPrefix}${process.pid}-`));
  try {
    await store.make(partial);
    renameSync(partial, template);
  } catch (error) {
    if (!existsSync(template)) throw error; // else another maker got there first: its template will do
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return template;
}

const partialPrefix = '.partial-';

function removeAbandonedPartials(dir: string): void {
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(partialPrefix)) continue;
    const maker = Number(entry.slice(partialPrefix.length).split('-')[0]);
    if (!isRunning(maker)) rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/**
 * Copies `template` to `pgdata`, which must not exist: a copy is written beside it and renamed into place,
 * so a start that dies midway leaves no half cluster for the next one to open. The caller holds the data
 * directory's lock, so a partial copy found there belongs to no live process.
 */
export function copyCluster(template: string, pgdata: string): void {
  const partial = `${pgdata}.partial`;
  rmSync(partial, { recursive: true, force: true });
  try {
    cpSync(template, partial, { recursive: true });
    renameSync(partial, pgdata);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}
