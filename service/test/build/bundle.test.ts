import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { serviceDir } from '../support/commands.js';

interface BundleModule {
  readonly loadedOnUse: readonly string[];
  bundleOptions(serviceDir: string): BuildOptions;
}

// Imported by URL: bundle.mjs is plain JavaScript beside build.mjs, outside what the type-check covers.
const bundle = (await import(pathToFileURL(path.join(serviceDir, 'bundle.mjs')).href)) as BundleModule;

/** What `npm start`'s one-file build would be with `options` changed: its inputs and its one output. */
async function bundleWith(options: Partial<BuildOptions> = {}): Promise<Metafile> {
  const { metafile } = await build({
    ...bundle.bundleOptions(serviceDir),
    ...options,
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  return metafile;
}

/** The files of `name` the bundle holds (esbuild names inputs with forward slashes). */
function filesOf(metafile: Metafile, name: string): string[] {
  return Object.keys(metafile.inputs).filter((input) => input.includes(`node_modules/${name}/`));
}

/** The packages of `names` that the bundle imports with an import statement, so loads when it starts. */
function importedAtStart(metafile: Metafile, names: readonly string[]): string[] {
  return Object.values(metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((imported) => imported.kind === 'import-statement')
    .map((imported) => imported.path)
    .filter((imported) => names.some((name) => imported === name || imported.startsWith(`${name}/`)));
}

describe("npm start's one-file build (bundle.mjs)", function () {
  this.timeout(60_000);

  it('holds none of the packages loaded on first use, and imports none of them at start', async () => {
    const metafile = await bundleWith();
    assert.ok(filesOf(metafile, 'koa').length > 0, 'the bundle holds the packages it needs at start');
    for (const name of bundle.loadedOnUse) {
      assert.deepEqual(filesOf(metafile, name), [], `${name} is loaded on first use, but bundled`);
    }
    assert.deepEqual(importedAtStart(metafile, bundle.loadedOnUse), [], 'imported when the bundle starts');
  });

  it('would hold the PostgreSQL driver if it were not left out, as Knex requires it', async () => {
    const options = bundle.bundleOptions(serviceDir);
    const metafile = await bundleWith({ external: options.external!.filter((name) => name !== 'pg') });
    assert.notDeepEqual(filesOf(metafile, 'pg'), []);
  });
});
