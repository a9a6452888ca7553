// What one build does, by the ref it builds (docs/architecture.md, "Pipeline"). The Jenkinsfile only reads this
// decision; the mapping from refs to stacks lives here, where the tests cover it.
import { readRevision, type JenkinsVariables, type Revision } from './revision';

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
  /** Tags for the image; the first, the commit, is the one deployed. Empty when no image is built. */
  imageTags: string[];
  /** The Pulumi stack previewed or updated; '' when action is 'none'. */
  stack: Stack | '';
  action: PulumiAction;
  /** A person must approve before `pulumi up`. */
  approval: boolean;
}

type Plan = Omit<Decision, 'ref' | 'summary' | 'commit' | 'version'>;

const CHECKS_ONLY: Plan = {
  runChecks: true,
  buildImage: false,
  pushImage: false,
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
  if (revision.kind === 'tag') {
    if (version === undefined) return CHECKS_ONLY;
    // The tagged commit already passed the checks on main; a release builds it and, once approved, ships it.
    return {
      runChecks: false,
      buildImage: true,
      pushImage: true,
      imageTags: [commit, version],
      stack: 'prod',
      action: 'up',
      approval: true,
    };
  }
  const isMain = revision.kind === 'branch' && revision.name === MAIN_BRANCH;
  return {
    runChecks: true,
    buildImage: true,
    pushImage: isMain,
    imageTags: [commit],
    stack: 'dev',
    action: isMain ? 'up' : 'preview',
    approval: false,
  };
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
  if (steps.approval) parts.push('approval');
  if (steps.action !== 'none') parts.push(`pulumi ${steps.action} on ${steps.stack}`);
  return parts.length === 1 ? `${parts[0]} only` : parts.join(', ');
}

export function decide(variables: JenkinsVariables): Decision {
  const revision = readRevision(variables);
  const version = revision.kind === 'tag' ? releaseVersion(revision.name) : undefined;
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
