import { ConfigError, parseDatabaseConfig } from '../config.js';
import { embeddedTemplate } from '../db/embedded.js';

/**
 * The embedded database's template, made ahead of the first `npm start` that needs it: the root package's
 * `prepare` runs this, so `npm ci` pays for PGlite's initdb rather than the first start of a fresh clone.
 * `prepare` passes V8 the same flags as `npm start`: initdb, too, runs sooner on the baseline compiler alone.
 */
async function main(): Promise<void> {
  const started = performance.now();
  const template = await embeddedTemplate(parseDatabaseConfig().embeddedTemplateDir);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`the embedded database's template is ready (${seconds} s): ${template}`);
}

main().catch((error: unknown) => {
  const problem = error instanceof ConfigError ? `invalid configuration: ${error.message}` : String(error);
  console.error(`polls make-embedded-template: ${problem}`);
  process.exitCode = 1;
});
