// src/ to plain JavaScript in dist/, file by file, with esbuild: `npm run build`, `npm ci` (the root's
// `prepare`) and every `npm start` (start.mjs). The service always runs compiled code: under a TypeScript
// loader (tsx) the process held about 85 MB more (docs/benchmarks.md, "Start-up"). Types are checked by
// `npm run typecheck`.
//
// `npm start` runs one more output, dist/start/serve.js: the service and its packages in one file
// (bundle.mjs). The image runs the file-by-file build.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleOptions } from './bundle.mjs';

const serviceDir = import.meta.dirname;
const distDir = path.join(serviceDir, 'dist');
// What dist/ was built from; a start whose sources are unchanged skips the build (about 0.3 s).
const builtFrom = path.join(distDir, '.built-from.json');

export async function buildService() {
  const sources = readdirSync(path.join(serviceDir, 'src'), { recursive: true })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join('src', file))
    .sort();
  const fingerprint = JSON.stringify(
    [...sources, 'build.mjs', 'bundle.mjs'].map((file) => {
      const { mtimeMs, size } = statSync(path.join(serviceDir, file));
      return [file, mtimeMs, size];
    }),
  );
  if (readOr(builtFrom, '') === fingerprint) return;

  rmSync(distDir, { recursive: true, force: true });
  // Loaded only to build: a start with unchanged sources does not pay for esbuild's module (about 0.08 s).
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
  const oneFile = build(bundleOptions(serviceDir));
  await Promise.all([fileByFile, oneFile]);
  // esbuild keeps its compiler process for further builds; there are none.
  await stop();
  writeFileSync(builtFrom, fingerprint);
}

function readOr(file, fallback) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildService();
