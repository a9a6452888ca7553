// src/ to plain JavaScript in dist/, file by file, with esbuild: `npm run build`, `npm ci` (the root's
// `prepare`) and every `npm start` (start.mjs). The service always runs compiled code: under a TypeScript
// loader (tsx) the process held about 85 MB more (185 MB against 99 MB idle, 2026-12-01). Types are checked
// by `npm run typecheck`.
//
// `npm start` runs one more output, dist/start/serve.js: the service and its packages in one file. Node's
// module loader spends more on finding, reading and linking the ~700 files of the service and its
// packages than on running them; one file starts 0.2 s sooner on a two-core machine (docs/benchmarks.md,
// "Start-up"). The image runs the file-by-file build, where 0.2 s of a rollout does not count.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
    [...sources, path.basename(fileURLToPath(import.meta.url))].map((file) => {
      const { mtimeMs, size } = statSync(path.join(serviceDir, file));
      return [file, mtimeMs, size];
    }),
  );
  if (readOr(builtFrom, '') === fingerprint) return;

  rmSync(distDir, { recursive: true, force: true });
  // Loaded only to build: a start with unchanged sources does not pay for esbuild's module (about 0.08 s).
  const { build, stop } = await import('esbuild');
  const common = {
    absWorkingDir: serviceDir,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  };
  const fileByFile = build({
    ...common,
    entryPoints: sources,
    outdir: 'dist',
    outbase: 'src',
    sourcemap: true,
  });
  const oneFile = build({
    ...common,
    entryPoints: ['src/bin/serve.ts'],
    outfile: startBundle,
    bundle: true,
    // Left out: PGlite, which finds its WebAssembly and data files beside its own module; what the service
    // loads only on first use (the PostgreSQL driver); Knex's other dialects and drivers.
    external: ['@electric-sql/pglite', 'pg', 'pg-native', 'pg-query-stream', ...otherDrivers],
    plugins: [filesKeepTheirUrls, onlyPostgresDialects, onePGlite],
    // A third fewer bytes for V8 to parse; names stay, so a stack trace still reads (and maps back with the
    // source map).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    // CommonJS packages require() Node's modules and the packages left out.
    banner: {
      js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
    },
  });
  await Promise.all([fileByFile, oneFile]);
  // esbuild keeps its compiler process for further builds; there are none.
  await stop();
  writeFileSync(builtFrom, fingerprint);
}

const startBundle = 'dist/start/serve.js';
const otherDrivers = [
  'better-sqlite3',
  'mariadb',
  'mariadb/*',
  'mysql',
  'mysql2',
  'oracledb',
  'sqlite3',
  'tedious',
];

/** Knex requires a dialect when a client names it; the service's clients are PostgreSQL's. */
const onlyPostgresDialects = {
  name: 'only-postgres-dialects',
  setup(build) {
    build.onResolve({ filter: /^\.\/[a-z0-9-]+$/ }, ({ path: request, importer }) =>
      importer.endsWith(path.join('knex', 'lib', 'dialects', 'index.js')) && request !== './postgres'
        ? { path: request, external: true }
        : undefined,
    );
  },
};

/**
 * knex-pglite requires PGlite's CommonJS build, a second copy of PGlite beside the ES module the service
 * imports (0.04 s of a start), only to make an instance when given none. The service always gives it one.
 */
const onePGlite = {
  name: 'one-pglite',
  setup(build) {
    build.onResolve({ filter: /^@electric-sql\/pglite$/ }, ({ importer, kind }) =>
      kind === 'require-call' && importer.includes(`${path.sep}knex-pglite${path.sep}`)
        ? { path: 'knex-pglite-is-given-an-instance', namespace: 'one-pglite' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'one-pglite' }, () => ({
      contents: `module.exports = { get PGlite() { throw new Error('knex-pglite must be given a PGlite instance'); } };`,
      loader: 'js',
    }));
  },
};

/**
 * In the bundle every module would see the bundle's own `import.meta.url`; each of the service's modules
 * instead sees the URL of its file-by-file build, so the views, static files and migrations it finds
 * relative to itself are found alike in both outputs.
 */
const filesKeepTheirUrls = {
  name: 'files-keep-their-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, ({ path: file }) => {
      if (!file.startsWith(path.join(serviceDir, 'src') + path.sep)) return undefined;
      const compiled = path
        .join(distDir, path.relative(path.join(serviceDir, 'src'), file))
        .replace(/\.ts$/, '.js');
      const relative = path
        .relative(path.dirname(path.join(serviceDir, startBundle)), compiled)
        .split(path.sep)
        .join('/');
      const source = readFileSync(file, 'utf8');
      return {
        contents: source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(relative)}, import.meta.url).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

function readOr(file, fallback) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildService();
