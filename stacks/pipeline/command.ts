// The `decide` command without the process around it: arguments and environment in, exit status and text out.
import { parseArgs } from 'node:util';
import { decide, type MainHistory } from './decide';
import { RefusedInput } from './revision';
import { renderTables } from './table';

export const USAGE = `usage: npm run decide -w stacks -- [--branch NAME] [--tag NAME] [--change-id N] [--commit SHA]
                                  [--check-release-on-main]
       npm run decide -w stacks -- --table
Prints what a Jenkins build of this ref does, as JSON. Each flag left out is read from the variable Jenkins sets:
BRANCH_NAME, TAG_NAME, CHANGE_ID, GIT_COMMIT. --check-release-on-main fetches main from origin and refuses a
release tag whose commit is not on it. --table prints the decision for each kind of ref, as Markdown.
Exit status 2 and one line on stderr when the input is refused.
`;

export const EXIT_REFUSED = 2;

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

const OPTIONS = {
  branch: { type: 'string' },
  tag: { type: 'string' },
  'change-id': { type: 'string' },
  commit: { type: 'string' },
  'check-release-on-main': { type: 'boolean' },
  table: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

function refused(message: string): CommandResult {
  return { status: EXIT_REFUSED, stdout: '', stderr: `decide: ${message}\n` };
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs reports unknown flags, missing values and stray arguments as TypeErrors with an ERR_PARSE_ARGS code.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new RefusedInput(`${error.message.split('\n')[0]} (see --help)`);
    }
    throw error;
  }
}

/** `onMain` answers for --check-release-on-main (main-branch.ts asks git). */
export function runDecide(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  onMain: MainHistory,
): CommandResult {
  try {
    const flags = parse(argv);
    if (flags.help) return { status: 0, stdout: USAGE, stderr: '' };
    if (flags.table) {
      if (Object.keys(flags).length > 1) throw new RefusedInput('--table takes no other flag');
      return { status: 0, stdout: renderTables(), stderr: '' };
    }
    const decision = decide(
      {
        branchName: flags.branch ?? env.BRANCH_NAME,
        tagName: flags.tag ?? env.TAG_NAME,
        changeId: flags['change-id'] ?? env.CHANGE_ID,
        commit: flags.commit ?? env.GIT_COMMIT,
      },
      flags['check-release-on-main'] ? onMain : undefined,
    );
    return { status: 0, stdout: JSON.stringify(decision, null, 2) + '\n', stderr: '' };
  } catch (error) {
    if (error instanceof RefusedInput) return refused(error.message);
    throw error;
  }
}
