// What one build does, by the ref it builds (docs/architecture.md, "Pipeline"). The Jenkinsfile only reads this
// decision; the mapping from refs to stacks lives here, where the tests cover it.
import { readRevision, RefusedInput, type JenkinsVariables, type Revision } from './revision';

export const MAIN_BRANCH = 'main';

// vMAJOR.MINOR.PATCH with SemVer's rule of no leading zeros, so that "v01.2.3" cannot name the same version as
// "v1.2.3"; pre-release and build suffixes ("v1.2.3-rc.1") are not releases.
const RELEASE_TAG = /^v((?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*))$/;

export type Stack = 'dev' | 'prod';
export type PulumiAction = 'preview' | 'up' | 'none';

/**
 * The decision as the Jenkinsfile reads it (JSON). No field is ever null: readJSON turns a JSON null into a
 * JSONNull object, which Groovy treats as true.
 */
export interface Decision {
  /** What is built, e.g. "pull request #42", "branch main", "release tag v1.2.3". */
  ref: string;
  /** One line for the build's description and log. */
  summary: string;
  /** The commit being built, as GIT_COMMIT gave it. */
  commit: string;
  /** The release version ("1.2.3") on a release tag, else ''. */
  version: string;
  /** Lint, type-check and the test suites. */
  runChecks: boolean;
  buildImage: boolean;
  pushImage: boolean;
  /**
   * The stack whose registry holds the image to deploy, '' when the build deploys its own. A release builds
   * nothing: it copies, by digest, the image that main built, tested and ran on dev (found by the tag
   * {@link recordTested} gave it) into the stack's registry, and deploys that digest.
   */
  promoteFrom: Stack | '';
  /** After the smoke check, marks the image in the stack's registry as the one that ran there (main on dev). */
  recordTested: boolean;
  /** Tags the image gets in the stack's registry; the first is the commit. Empty when none is pushed or copied. */
  imageTags: string[];
  /** The Pulumi stack previewed or updated; '' when action is 'none'. */
  stack: Stack | '';
  action: PulumiAction;
  /** A person must approve before `pulumi up`. */
  approval: boolean;
}

type Plan = Omit<Decision, 'ref' | 'summary' | 'commit' | 'version'>;

/** Whether a commit is main's head or one of its ancestors (main-branch.ts asks git). */
export type MainHistory = (commit: string) => boolean;

const CHECKS_ONLY: Plan = {
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

/** The version a release tag names ("v1.2.3" → "1.2.3"), or undefined when the tag is not a release. */
export function releaseVersion(tagName: string): string | undefined {
  return RELEASE_TAG.exec(tagName)?.[1];
}

function plan(revision: Revision, version: string | undefined): Plan {
  const { commit } = revision;
  switch (revision.kind) {
    case 'tag':
      if (version === undefined) return CHECKS_ONLY;
      // Build once, promote: the tagged commit passed the checks on main, and the image main built from it ran
      // on dev; re-running the checks or rebuilding would ship something nobody tested.
      return {
        ...CHECKS_ONLY,
        runChecks: false,
        promoteFrom: 'dev',
        imageTags: [commit, version],
        stack: 'prod',
        action: 'up',
        approval: true,
      };
    case 'pull-request':
      // A pull request's own code would run inside `pulumi preview`, and a preview needs the stack's secrets
      // decrypted (docs/pipeline.md, "Pull requests"): it gets the checks and the image build, no cloud access.
      return { ...CHECKS_ONLY, buildImage: true };
    case 'branch': {
      const isMain = revision.name === MAIN_BRANCH;
      return {
        ...CHECKS_ONLY,
        buildImage: true,
        pushImage: isMain,
        recordTested: isMain,
        imageTags: [commit],
        stack: 'dev',
        action: isMain ? 'up' : 'preview',
      };
    }
  }
}

function describeRef(revision: Revision, version: string | undefined): string {
  switch (revision.kind) {
    case 'pull-request':
      return `pull request #${revision.number}`;
    case 'branch':
      return `branch ${revision.name}`;
    case 'tag':
      return version === undefined
        ? `tag ${revision.name} (not a release vMAJOR.MINOR.PATCH)`
        : `release tag ${revision.name}`;
  }
}

function describePlan(steps: Plan): string {
  const parts: string[] = [];
  if (steps.runChecks) parts.push('lint and tests');
  if (steps.buildImage) parts.push(steps.pushImage ? 'image build and push' : 'image build');
  if (steps.promoteFrom) parts.push(`promotion of the image tested on ${steps.promoteFrom}`);
  if (steps.approval) parts.push('approval');
  if (steps.action !== 'none') parts.push(`pulumi ${steps.action} on ${steps.stack}`);
  if (steps.recordTested) parts.push('image recorded as tested');
  return parts.length === 1 ? `${parts[0]} only` : parts.join(', ');
}

/** A release tag must name a commit of main: only main's builds test an image and run it on dev. */
function checkReleaseOnMain(revision: Revision, onMain: MainHistory): void {
  if (revision.kind === 'tag' && !onMain(revision.commit)) {
    throw new RefusedInput(
      `release tag ${revision.name} names commit ${revision.commit}, which is not on ${MAIN_BRANCH}: ` +
        `tag a commit of ${MAIN_BRANCH}, whose image its build tested and ran on dev`,
    );
  }
}

/**
 * The decision for the ref Jenkins builds. With `onMain`, a release tag whose commit is not on main is refused;
 * the pipeline asks that in a stage of its own, where git may use the repository's credential.
 */
export function decide(variables: JenkinsVariables, onMain?: MainHistory): Decision {
  const revision = readRevision(variables);
  const version = revision.kind === 'tag' ? releaseVersion(revision.name) : undefined;
  if (version !== undefined && onMain) checkReleaseOnMain(revision, onMain);
  const steps = plan(revision, version);
  const ref = describeRef(revision, version);
  return {
    ref,
    summary: `${ref}: ${describePlan(steps)}`,
    commit: revision.commit,
    version: version ?? '',
    ...steps,
  };
}
