// Entry point of `npm run decide -w stacks`: runs the command on this process's arguments and environment.
import { runDecide } from './command';
import { commitIsOnMain, runGitIn } from './main-branch';
import { RefusedInput } from './revision';

function onMain(commit: string): boolean {
  try {
    return commitIsOnMain(commit, runGitIn(process.cwd()));
  } catch (error) {
    throw new RefusedInput(`cannot tell whether ${commit} is on main: ${(error as Error).message}`);
  }
}

const result = runDecide(process.argv.slice(2), process.env, onMain);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.status;
