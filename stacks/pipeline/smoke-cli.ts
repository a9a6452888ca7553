// `npm run --silent smoke -w stacks -- --url URL --revision COMMIT`: waits until the site serves that commit
// (smoke.ts), or exits 1 naming what it served instead.
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { smokeCheck } from './smoke';

const { values } = parseArgs({ options: { url: { type: 'string' }, revision: { type: 'string' } } });

async function main(): Promise<void> {
  if (!values.url || !values.revision) throw new Error('--url URL and --revision COMMIT are required');
  await smokeCheck(values.url, values.revision, {
    fetch: (url, init) => fetch(url, init),
    sleep: (seconds) => setTimeout(seconds * 1000),
    log: (line) => console.log(line),
  });
}

main().catch((error: unknown) => {
  console.error(`smoke: ${(error as Error).message}`);
  process.exitCode = 1;
});
