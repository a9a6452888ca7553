// What a Jenkins multibranch build is building, read from the variables Jenkins sets, and refused when they are
// missing, malformed, or contradict each other.

/** The multibranch variables Jenkins sets on a build; a missing or empty value means "not set". */
export interface JenkinsVariables {
  /** BRANCH_NAME: the branch; "PR-42" on a pull request; the tag's own name on a tag build. */
  branchName?: string | undefined;
  /** TAG_NAME: set only on tag builds. */
  tagName?: string | undefined;
  /** CHANGE_ID: the pull request number, set only on pull request builds. */
  changeId?: string | undefined;
  /** GIT_COMMIT: the full id of the commit checked out. */
  commit?: string | undefined;
}

export type Ref = { kind: 'pull-request'; number: number } | { kind: 'branch' | 'tag'; name: string };
export type Revision = Ref & { commit: string };

/** Input the pipeline must not act on; its message is one line meant for the build log. */
export class RefusedInput extends Error {
  override name = 'RefusedInput';
}

// Full commit ids only: SHA-1 (40 hex digits) or SHA-256 repositories (64). Abbreviations can become ambiguous.
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const PULL_REQUEST_NUMBER = /^[1-9][0-9]*$/;

// A subset of `git check-ref-format` that catches what reaches a build by mistake: full ref paths, whitespace,
// control characters and the characters git forbids, which a name must not smuggle into logs or commands.
const REF_NAME_RULES: ReadonlyArray<[RegExp, string]> = [
  [/^refs\//, 'give the short name, without "refs/..."'],
  [/[\s\p{Cc}]/u, 'contains whitespace or a control character'],
  [/[~^:?*[\\]/, 'contains one of ~ ^ : ? * [ \\'],
  [/\.\.|@\{/, 'contains ".." or "@{"'],
  [/^-|^@$/, 'starts with "-" or is "@"'],
  [/(^|\/)\.|\.lock(\/|$)|\.$/, 'has a part starting with "." or ending with ".lock", or ends with "."'],
  [/^\/|\/\/|\/$/, 'has an empty part (a leading, trailing or doubled "/")'],
];

function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function checkRefName(variable: string, name: string): string {
  for (const [pattern, problem] of REF_NAME_RULES) {
    if (pattern.test(name)) {
      throw new RefusedInput(`${variable} ${JSON.stringify(name)} is not a usable git ref name: ${problem}`);
    }
  }
  return name;
}

function checkCommit(commit: string | undefined): string {
  if (commit === undefined) {
    throw new RefusedInput('GIT_COMMIT is not set: the decision needs the commit being built');
  }
  if (!COMMIT_ID.test(commit)) {
    throw new RefusedInput(
      `GIT_COMMIT ${JSON.stringify(commit)} is not a full commit id (40 or 64 lowercase hex digits)`,
    );
  }
  return commit;
}

function readRef(variables: JenkinsVariables): Ref {
  const branchName = present(variables.branchName);
  const tagName = present(variables.tagName);
  const changeId = present(variables.changeId);

  if (changeId !== undefined) {
    if (tagName !== undefined) {
      throw new RefusedInput(
        'CHANGE_ID and TAG_NAME are both set: a build is a pull request or a tag, not both',
      );
    }
    if (!PULL_REQUEST_NUMBER.test(changeId)) {
      throw new RefusedInput(`CHANGE_ID ${JSON.stringify(changeId)} is not a pull request number`);
    }
    return { kind: 'pull-request', number: Number(changeId) };
  }
  if (tagName !== undefined) {
    // Jenkins sets BRANCH_NAME to the tag's name on tag builds; anything else means two different refs.
    if (branchName !== undefined && branchName !== tagName) {
      throw new RefusedInput(
        `BRANCH_NAME ${JSON.stringify(branchName)} and TAG_NAME ${JSON.stringify(tagName)} disagree: ` +
          'on a tag build Jenkins sets both to the tag',
      );
    }
    return { kind: 'tag', name: checkRefName('TAG_NAME', tagName) };
  }
  if (branchName !== undefined) {
    return { kind: 'branch', name: checkRefName('BRANCH_NAME', branchName) };
  }
  throw new RefusedInput('nothing to decide: none of BRANCH_NAME, TAG_NAME or CHANGE_ID is set');
}

export function readRevision(variables: JenkinsVariables): Revision {
  const ref = readRef(variables);
  return { ...ref, commit: checkCommit(present(variables.commit)) };
}
