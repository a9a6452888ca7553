// src/ to plain JavaScript in dist/, file by file, with esbuild: `npm run build`, `npm ci` (the root's
// `prepare`) and every `npm start` (start.mjs). The service always runs compiled code: under a TypeScript
// loader (tsx) the process held far more memory (docs/benchmarks.md, "Figures behind the code"). Types are
// checked by `npm run typecheck`.
//
// `npm start` runs one more output, dist/start/serve.js: the service and its packages in one file
// (bundle.mjs). The image runs the file-by-file build.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from './bundle.mjs';

const serviceDir = import.meta.dirname;
const distDir = path.join(serviceDir, 'dist');
// What dist/ was built from; a start where none of it changed skips the build.
const builtFrom = path.join(distDir, '.built-from.json');

/**
 * Builds dist/ unless nothing it is built from changed: the service's sources, these scripts, the lockfile,
 * and every file of the packages the one-file build holds (an upgrade that `npm ci` installed, or a package
 * edited in place, is in the next start).
 */
export async function buildService() {
  const sources = readdirSync(path.join(serviceDir, 'src'), { recursive: true })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join('src', file))
    .sort();
  const always = [...sources, 'build.mjs', 'bundle.mjs', path.join('..', 'package-lock.json')];
  const previous = readBuiltFrom();
  if (previous && previous.fingerprint === fingerprintOf([...always, ...previous.packageFiles])) return;

  rmSync(distDir, { recursive: true, force: true });
  // Loaded only to build: a start that builds nothing does not pay for esbuild's module.
  const { build, stop } = await import('esbuild');
  const fileByFile = build({
    absWorkingDir: serviceDir,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    entryPoints: sources,
    outdir: 'dist',
    outbase: 'src',
    sourcemap: true,
  });
  const oneFile = build({ ...bundleOptions(serviceDir), metafile: true });
  const [, { metafile }] = await Promise.all([fileByFile, oneFile]);
  // esbuild keeps its compiler process for further builds; there are none.
  await stop();
  // Inputs of esbuild's own namespaces (a plugin's stand-in) are named `namespace:path`, not files.
  const packageFiles = Object.keys(metafile.inputs).filter(
    (input) => input.includes('node_modules/') && !/^[\w-]+:/.test(input),
  );
  const fingerprint = fingerprintOf([...always, ...packageFiles]);
  writeFileSync(builtFrom, JSON.stringify({ fingerprint, packageFiles }));
}

/** Each file's size and modification time (null for one that is gone), relative to the service folder. */
function fingerprintOf(files) {
  return JSON.stringify(
    files.map((file) => {
      const stats = statSync(path.join(serviceDir, file), { throwIfNoEntry: false });
      return [file, stats?.mtimeMs ?? null, stats?.size ?? null];
    }),
  );
}

/** What the last build recorded, or undefined when there was none (or an older build's format). */
function readBuiltFrom() {
  try {
    const recorded = JSON.parse(readFileSync(builtFrom, 'utf8'));
    return Array.isArray(recorded.packageFiles) ? recorded : undefined;
  } catch {
    return undefined;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildService();
