import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { EXIT_REFUSED, runDecide } from '../pipeline/command';

const COMMIT = '3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3';
const STACKS_DIR = path.resolve(__dirname, '..');
const onMain = () => true;

describe('decide command', () => {
  describe('in process', () => {
    it('reads the variables Jenkins sets and prints the decision as JSON', () => {
      const result = runDecide([], { BRANCH_NAME: 'v2.0.0', TAG_NAME: 'v2.0.0', GIT_COMMIT: COMMIT }, onMain);
      assert.equal(result.status, 0);
      assert.equal(result.stderr, '');
      const decision = JSON.parse(result.stdout);
      assert.equal(decision.stack, 'prod');
      assert.equal(decision.promoteFrom, 'dev');
      assert.deepEqual(decision.imageTags, [COMMIT, '2.0.0']);
      assert.ok(!result.stdout.includes('null'), 'readJSON turns null into a truthy JSONNull');
    });

    it('lets flags override the environment', () => {
      const result = runDecide(
        ['--branch', 'feature/x'],
        { BRANCH_NAME: 'main', GIT_COMMIT: COMMIT },
        onMain,
      );
      assert.equal(JSON.parse(result.stdout).action, 'preview');
    });

    it('takes everything from flags', () => {
      const result = runDecide(['--change-id', '9', '--branch', 'PR-9', '--commit', COMMIT], {}, onMain);
      assert.equal(JSON.parse(result.stdout).summary, 'pull request #9: lint and tests, image build');
    });

    it('refuses a release tag whose commit is not on main, exit status 2', () => {
      const argv = ['--tag', 'v1.2.3', '--commit', COMMIT];
      assert.equal(runDecide(argv, {}, () => false).status, 0, 'only --check-release-on-main asks git');
      const result = runDecide([...argv, '--check-release-on-main'], {}, () => false);
      assert.equal(result.status, EXIT_REFUSED);
      assert.match(
        result.stderr,
        /^decide: release tag v1\.2\.3 names commit [0-9a-f]{40}, which is not on main/,
      );
    });

    it('refuses a malformed input with one line on stderr and nothing on stdout', () => {
      const result = runDecide(['--tag', 'v1.2.3'], { BRANCH_NAME: 'main', GIT_COMMIT: COMMIT }, onMain);
      assert.equal(result.status, EXIT_REFUSED);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^decide: BRANCH_NAME "main" and TAG_NAME "v1.2.3" disagree[^\n]*\n$/);
    });

    it('refuses an unknown flag and a stray argument', () => {
      for (const argv of [['--stack', 'prod'], ['main']]) {
        const result = runDecide(argv, { BRANCH_NAME: 'main', GIT_COMMIT: COMMIT }, onMain);
        assert.equal(result.status, EXIT_REFUSED, argv.join(' '));
        assert.match(result.stderr, /^decide: [^\n]+\(see --help\)\n$/);
      }
    });

    it('refuses --table with other flags', () => {
      const result = runDecide(['--table', '--branch', 'main'], {}, onMain);
      assert.equal(result.status, EXIT_REFUSED);
      assert.equal(result.stderr, 'decide: --table takes no other flag\n');
    });

    it('prints a table row for each kind of ref, ignoring the environment', () => {
      const result = runDecide(['--table'], { BRANCH_NAME: 'main', GIT_COMMIT: COMMIT }, onMain);
      assert.equal(result.status, 0);
      assert.match(
        result.stdout,
        /^\| main branch \| `BRANCH_NAME=main` \| yes \| build, push \| `<commit>` \| — \| up dev \| `tested-<commit>` \|$/m,
      );
      assert.match(
        result.stdout,
        /^\| release tag \| .* \| — \| copy of the one tested on dev \| `<commit>`, `1\.2\.3` \| yes \| up prod \| — \|$/m,
      );
      assert.match(result.stdout, /^\| tag named main \| .* \| yes \| — \| — \| — \| — \| — \|$/m);
      assert.match(result.stdout, /^\| nothing set \| \(none\) \| nothing to decide: /m);
    });

    it('prints its usage on --help', () => {
      const result = runDecide(['--help'], {}, onMain);
      assert.equal(result.status, 0);
      assert.match(result.stdout, /^usage: npm run decide -w stacks/);
    });
  });

  describe('as a process (npm run decide)', () => {
    function runCli(argv: string[], env: Record<string, string>) {
      return spawnSync(process.execPath, ['--import', 'tsx', 'pipeline/cli.ts', ...argv], {
        cwd: STACKS_DIR,
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      });
    }

    it('exits 0 and prints JSON for a main build', () => {
      const result = runCli([], { BRANCH_NAME: 'main', GIT_COMMIT: COMMIT });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).action, 'up');
    });

    it('exits 2 with one line on stderr when nothing is set', () => {
      const result = runCli([], {});
      assert.equal(result.status, EXIT_REFUSED);
      assert.equal(result.stdout, '');
      assert.equal(
        result.stderr,
        'decide: nothing to decide: none of BRANCH_NAME, TAG_NAME or CHANGE_ID is set\n',
      );
    });
  });
});
