// `npm run --silent image -w stacks -- <command> …`: the pipeline's registry steps (registry-commands.ts). Prints
// the image reference to deploy, if the command has one, on stdout; progress on stderr; exits 1 naming why not.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import {
  findTested,
  promote,
  push,
  recordTested,
  stackRepository,
  type RegistryTools,
} from './registry-commands';

const USAGE = `usage: npm run --silent image -w stacks -- COMMAND --stack NAME …
  push --local-image IMAGE --tags "TAG …"    push the built image under each tag it lacks (main)
  record-tested --commit SHA                  tag the commit's image tested-<commit> (main, after the smoke check)
  find-tested --commit SHA                    the image main built from the commit and ran there, by digest
  promote --source REPOSITORY@DIGEST --tags "TAG …"   copy it, digest unchanged, into this stack's repository`;

const tools: RegistryTools = {
  run: ([command = '', ...args], input) =>
    execFileSync(command, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'inherit'] }),
  log: (line) => console.error(line),
};

function required(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} is required\n${USAGE}`);
  return value;
}

function main(): string | undefined {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      commit: { type: 'string' },
      'local-image': { type: 'string' },
      tags: { type: 'string' },
      source: { type: 'string' },
    },
  });
  const repository = stackRepository(required(values.stack, '--stack'), tools);
  const tags = () => required(values.tags, '--tags').split(' ').filter(Boolean);
  switch (positionals.join(' ')) {
    case 'push':
      return push(repository, required(values['local-image'], '--local-image'), tags(), tools);
    case 'record-tested':
      recordTested(repository, required(values.commit, '--commit'), tools);
      return undefined;
    case 'find-tested':
      return findTested(repository, required(values.commit, '--commit'), tools);
    case 'promote':
      return promote(repository, required(values.source, '--source'), tags(), tools);
    default:
      throw new Error(USAGE);
  }
}

try {
  const image = main();
  if (image !== undefined) process.stdout.write(`${image}\n`);
} catch (error) {
  console.error(`image: ${(error as Error).message}`);
  process.exitCode = 1;
}
