import assert from 'node:assert/strict';
import { decide, releaseVersion, type Decision } from '../pipeline/decide';
import { RefusedInput, type JenkinsVariables } from '../pipeline/revision';

const COMMIT = '3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3';

const onMain = () => true;

function decideFor(variables: Omit<JenkinsVariables, 'commit'>): Decision {
  return decide({ ...variables, commit: COMMIT }, onMain);
}

function assertRefused(variables: JenkinsVariables, message: RegExp, history = onMain): void {
  assert.throws(
    () => decide(variables, history),
    (error: unknown) =>
      error instanceof RefusedInput && message.test(error.message) && !error.message.includes('\n'),
  );
}

const PREVIEW_ON_DEV = {
  runChecks: true,
  buildImage: true,
  pushImage: false,
  promoteFrom: '',
  recordTested: false,
  imageTags: [COMMIT],
  stack: 'dev',
  action: 'preview',
  approval: false,
};

const CHECKS_ONLY = {
  runChecks: true,
  buildImage: false,
  pushImage: false,
  promoteFrom: '',
  recordTested: false,
  imageTags: [],
  stack: '',
  action: 'none',
  approval: false,
};

const STEP_FIELDS = [
  'runChecks',
  'buildImage',
  'pushImage',
  'promoteFrom',
  'recordTested',
  'imageTags',
  'stack',
  'action',
  'approval',
] as const;

/** The steps a decision asks for, without its descriptive fields. */
function steps(decision: Decision): Partial<Decision> {
  return Object.fromEntries(STEP_FIELDS.map((field) => [field, decision[field]]));
}

describe('pipeline decision', () => {
  describe('for a pull request', () => {
    // Its own code would run in `pulumi preview`, which decrypts the stack's secrets: no cloud access at all.
    it('runs the checks and builds the image, and touches no stack', () => {
      const decision = decideFor({ changeId: '42', branchName: 'PR-42' });
      assert.deepEqual(steps(decision), { ...CHECKS_ONLY, buildImage: true });
      assert.equal(decision.summary, 'pull request #42: lint and tests, image build');
    });

    it('is a pull request even when its source branch is main', () => {
      assert.deepEqual(steps(decideFor({ changeId: '7', branchName: 'main' })), {
        ...CHECKS_ONLY,
        buildImage: true,
      });
    });
  });

  describe('for a branch', () => {
    it('previews dev from a feature branch', () => {
      const decision = decideFor({ branchName: 'feature/login' });
      assert.deepEqual(steps(decision), PREVIEW_ON_DEV);
      assert.match(decision.summary, /^branch feature\/login: /);
    });

    it('builds, pushes and updates dev from main', () => {
      const decision = decideFor({ branchName: 'main' });
      assert.deepEqual(steps(decision), {
        ...PREVIEW_ON_DEV,
        pushImage: true,
        recordTested: true,
        action: 'up',
      });
      assert.equal(
        decision.summary,
        'branch main: lint and tests, image build and push, pulumi up on dev, image recorded as tested',
      );
    });

    it('treats a branch whose name only contains main as any other branch', () => {
      assert.equal(decideFor({ branchName: 'main-fix' }).action, 'preview');
      assert.equal(decideFor({ branchName: 'release/main' }).action, 'preview');
    });
  });

  describe('for a tag', () => {
    it('ships the image main tested and ran on dev to prod after approval, rebuilding nothing', () => {
      const decision = decideFor({ tagName: 'v1.2.3', branchName: 'v1.2.3' });
      assert.deepEqual(steps(decision), {
        runChecks: false,
        buildImage: false,
        pushImage: false,
        promoteFrom: 'dev',
        recordTested: false,
        imageTags: [COMMIT, '1.2.3'],
        stack: 'prod',
        action: 'up',
        approval: true,
      });
      assert.equal(
        decision.summary,
        'release tag v1.2.3: promotion of the image tested on dev, approval, pulumi up on prod',
      );
      assert.equal(decision.ref, 'release tag v1.2.3');
      assert.equal(decision.version, '1.2.3');
      assert.equal(decision.commit, COMMIT);
    });

    it('accepts TAG_NAME alone, without the BRANCH_NAME Jenkins also sets', () => {
      assert.equal(decideFor({ tagName: 'v10.0.20' }).stack, 'prod');
    });

    for (const tagName of [
      'v1.2',
      'v1.2.3-rc.1',
      'v1.2.3+build.5',
      '1.2.3',
      'V1.2.3',
      'v1.2.3.4',
      'release-1.2.3',
    ]) {
      it(`only runs the checks for ${tagName}, which is not a release version`, () => {
        const decision = decideFor({ tagName, branchName: tagName });
        assert.deepEqual(steps(decision), CHECKS_ONLY);
        assert.equal(
          decision.summary,
          `tag ${tagName} (not a release vMAJOR.MINOR.PATCH): lint and tests only`,
        );
      });
    }

    // SemVer forbids leading zeros; accepting v01.2.3 would let two tags name release 1.2.3 in an immutable registry.
    it('does not release v01.2.3', () => {
      assert.deepEqual(steps(decideFor({ tagName: 'v01.2.3' })), CHECKS_ONLY);
      assert.equal(releaseVersion('v1.02.3'), undefined);
      assert.equal(releaseVersion('v0.0.0'), '0.0.0');
    });

    it('asks about main only for a release tag, with the tagged commit', () => {
      const asked: string[] = [];
      const history = (commit: string) => (asked.push(commit), true);
      for (const variables of [{ branchName: 'main' }, { changeId: '3' }, { tagName: 'v1.2' }]) {
        decide({ ...variables, commit: COMMIT }, history);
      }
      assert.deepEqual(asked, []);
      decide({ tagName: 'v1.2.3', commit: COMMIT }, history);
      assert.deepEqual(asked, [COMMIT]);
    });

    it('does not deploy a tag named main, which Jenkins also reports as BRANCH_NAME=main', () => {
      assert.deepEqual(steps(decideFor({ tagName: 'main', branchName: 'main' })), CHECKS_ONLY);
    });
  });

  describe('refuses', () => {
    it('an empty input', () => {
      assertRefused({}, /^nothing to decide: none of BRANCH_NAME, TAG_NAME or CHANGE_ID is set$/);
    });

    it('empty strings, which Jenkins may leave in unset variables', () => {
      assertRefused({ branchName: '', tagName: '', changeId: '', commit: COMMIT }, /^nothing to decide/);
    });

    it('a branch and a tag that disagree', () => {
      assertRefused(
        { branchName: 'main', tagName: 'v1.2.3', commit: COMMIT },
        /^BRANCH_NAME "main" and TAG_NAME "v1.2.3" disagree/,
      );
    });

    it('a pull request that is also a tag', () => {
      assertRefused(
        { changeId: '42', tagName: 'v1.2.3', commit: COMMIT },
        /^CHANGE_ID and TAG_NAME are both set/,
      );
    });

    for (const changeId of ['0', '-1', '42abc', '4 2', '042']) {
      it(`the pull request number ${JSON.stringify(changeId)}`, () => {
        assertRefused({ changeId, commit: COMMIT }, /is not a pull request number$/);
      });
    }

    it('a release tag on a commit that is not on main', () => {
      assertRefused(
        { tagName: 'v1.2.3', branchName: 'v1.2.3', commit: COMMIT },
        new RegExp(
          `^release tag v1\\.2\\.3 names commit ${COMMIT}, which is not on main: tag a commit of main`,
        ),
        () => false,
      );
    });

    it('a missing commit', () => {
      assertRefused({ branchName: 'main' }, /^GIT_COMMIT is not set/);
    });

    for (const commit of ['3f9c2ab', COMMIT.toUpperCase(), `${COMMIT}\n`, `${COMMIT}0`, 'HEAD']) {
      it(`the commit ${JSON.stringify(commit)}, not a full lowercase commit id`, () => {
        assertRefused({ branchName: 'main', commit }, /^GIT_COMMIT .* is not a full commit id/);
      });
    }

    it('accepts a 64-digit commit id from a SHA-256 repository', () => {
      const commit = 'ab'.repeat(32);
      assert.deepEqual(decide({ branchName: 'main', commit }, onMain).imageTags, [commit]);
    });

    const badNames: Array<[string, RegExp]> = [
      ['refs/heads/main', /give the short name/],
      ['refs/tags/v1.2.3', /give the short name/],
      ['feature login', /whitespace or a control character/],
      ['main\n', /whitespace or a control character/],
      ['fix\x1b[31m', /whitespace or a control character/],
      ['what?', /one of ~ \^ : \? \* \[ \\/],
      ['a..b', /".." or "@\{"/],
      ['-rf', /starts with "-"/],
      ['feature/.hidden', /part starting with "\."/],
      ['topic.lock', /ending with "\.lock"/],
      ['feature//x', /empty part/],
      ['feature/', /empty part/],
    ];
    for (const [name, problem] of badNames) {
      it(`the branch name ${JSON.stringify(name)}`, () => {
        assertRefused({ branchName: name, commit: COMMIT }, problem);
      });
    }

    it('a malformed tag name, naming TAG_NAME', () => {
      assertRefused(
        { tagName: 'v1.2.3 ', commit: COMMIT },
        /^TAG_NAME "v1.2.3 " is not a usable git ref name/,
      );
    });
  });
});
