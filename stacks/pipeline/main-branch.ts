// Whether a commit is on main, asked of git in the build's own checkout. A multibranch build fetches only the
// ref it builds: since git plugin 3.4.0 a branch source uses "a minimal refspec corresponding to just the
// required branch", without tags (its changelog, quoted in https://github.com/alphagov/govuk-puppet/pull/6260;
// https://github.com/allegro/axion-release-plugin/issues/195), so a tag build has no origin/main, and with the
// "shallow clone" behaviour not even the tagged commit's parents. The check fetches main itself; a shallow
// checkout needs nothing more, because fetching main brings its history down to the commits already there
// (the test runs it in a shallow clone too).
import { spawnSync } from 'node:child_process';
import { MAIN_BRANCH } from './decide';

/** Runs git with these arguments in the checkout; returns its exit status and output. */
export type RunGit = (args: string[]) => { status: number; stdout: string; stderr: string };

export const MAIN_REF = `refs/remotes/origin/${MAIN_BRANCH}`;

export function runGitIn(directory: string): RunGit {
  return (args) => {
    const result = spawnSync('git', args, { cwd: directory, encoding: 'utf8' });
    if (result.error) throw result.error;
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  };
}

function checked(git: RunGit, args: string[]): string {
  const result = git(args);
  if (result.status !== 0) {
    // git's first `fatal:` line says what went wrong; the lines after it are advice.
    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    const reason =
      lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? `exit status ${result.status}`;
    throw new Error(`git ${args.join(' ')} failed: ${reason}`);
  }
  return result.stdout.trim();
}

/** Fetches main from origin into {@link MAIN_REF} and answers whether `commit` is main's head or an ancestor. */
export function commitIsOnMain(commit: string, git: RunGit): boolean {
  checked(git, ['fetch', '--no-tags', 'origin', `+refs/heads/${MAIN_BRANCH}:${MAIN_REF}`]);
  // `merge-base --is-ancestor` exits 0 when it is, 1 when it is not, and anything else on an error.
  const answer = git(['merge-base', '--is-ancestor', commit, MAIN_REF]);
  if (answer.status === 0) return true;
  if (answer.status === 1) return false;
  throw new Error(`git merge-base --is-ancestor ${commit} ${MAIN_REF} failed: ${answer.stderr.trim()}`);
}
