// The check runs real git against a real (local) origin, checked out the way a multibranch tag build is: only
// the tag fetched, no origin/main, and once more as a shallow clone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commitIsOnMain, MAIN_REF, runGitIn } from '../pipeline/main-branch';

function git(directory: string, ...args: string[]): string {
  const result = runGitIn(directory)(['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args]);
  assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

function commit(directory: string, message: string): string {
  writeFileSync(path.join(directory, 'file.txt'), message);
  git(directory, 'add', 'file.txt');
  git(directory, 'commit', '--quiet', '-m', message);
  return git(directory, 'rev-parse', 'HEAD');
}

describe('a release commit on main, asked of git', () => {
  let root: string;
  let origin: string;
  const commits: Record<'first' | 'released' | 'head' | 'sideline', string> = {
    first: '',
    released: '',
    head: '',
    sideline: '',
  };

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'polls-main-branch-'));
    origin = `file://${path.join(root, 'origin.git')}`;
    git(root, 'init', '--quiet', '--bare', 'origin.git');
    const work = path.join(root, 'work');
    git(root, 'init', '--quiet', '--initial-branch', 'main', 'work');
    commits.first = commit(work, 'first');
    commits.released = commit(work, 'released');
    git(work, 'checkout', '--quiet', '-b', 'feature');
    commits.sideline = commit(work, 'sideline');
    git(work, 'checkout', '--quiet', 'main');
    commits.head = commit(work, 'head');
    git(work, 'tag', 'v1.0.0', commits.released);
    git(work, 'tag', 'v1.0.1', commits.sideline);
    git(work, 'push', '--quiet', origin, 'main', 'feature', '--tags');
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  /** A workspace as the git plugin leaves it for a tag build: the tag alone fetched, its commit checked out. */
  function tagCheckout(name: string, tag: string, depth?: number): string {
    const workspace = path.join(root, name);
    git(root, 'init', '--quiet', name);
    git(workspace, 'remote', 'add', 'origin', origin);
    const depthArgs = depth === undefined ? [] : [`--depth=${depth}`];
    git(
      workspace,
      'fetch',
      '--quiet',
      '--no-tags',
      ...depthArgs,
      'origin',
      `+refs/tags/${tag}:refs/tags/${tag}`,
    );
    git(workspace, 'checkout', '--quiet', '--force', `refs/tags/${tag}^{commit}`);
    return workspace;
  }

  it('fetches main, which the tag build does not have, and finds the tagged commit on it', () => {
    const workspace = tagCheckout('tag-build', 'v1.0.0');
    assert.notEqual(runGitIn(workspace)(['rev-parse', '--verify', '--quiet', MAIN_REF]).status, 0);
    assert.equal(commitIsOnMain(commits.released, runGitIn(workspace)), true);
    assert.equal(commitIsOnMain(commits.head, runGitIn(workspace)), true);
  });

  it('answers no for a commit of another branch', () => {
    const workspace = tagCheckout('side-tag-build', 'v1.0.1');
    assert.equal(commitIsOnMain(commits.sideline, runGitIn(workspace)), false);
  });

  it('works in a shallow clone, which has none of the history ancestry needs', () => {
    const workspace = tagCheckout('shallow-tag-build', 'v1.0.0', 1);
    assert.equal(git(workspace, 'rev-parse', '--is-shallow-repository'), 'true');
    assert.equal(commitIsOnMain(commits.released, runGitIn(workspace)), true);
    const sideline = tagCheckout('shallow-side-tag-build', 'v1.0.1', 1);
    assert.equal(commitIsOnMain(commits.sideline, runGitIn(sideline)), false);
  });

  it('fails, naming git, when origin cannot be reached', () => {
    const workspace = tagCheckout('lost-origin', 'v1.0.0');
    git(workspace, 'remote', 'set-url', 'origin', `file://${path.join(root, 'missing.git')}`);
    assert.throws(
      () => commitIsOnMain(commits.released, runGitIn(workspace)),
      /^Error: git fetch .* failed: /,
    );
  });
});
