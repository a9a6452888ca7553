// Build once, promote: main pushes its image to dev's ECR repository, deploys it, and once the smoke check
// passed tags it `tested-<commit>`; a release copies that image, digest unchanged, into prod's repository and
// deploys it by digest. The decisions live here, where the tests cover them; image-cli.ts runs the commands.
//
// Why a tag in the registry, and not the dev stack's `image` output (a StackReference or `pulumi stack output`):
// the output names what dev runs now, which is main's newest commit, not the one a release tags; a tag per commit
// says of any commit whether its image passed, and ECR's immutable tags (registry.ts) mean that neither it nor
// the commit tag can be moved to another image afterwards.

/** An image in a repository as `aws ecr batch-get-image` returns it. */
export interface RegistryImage {
  digest: string;
  manifest: string;
  mediaType: string;
}

/** The tag main's build gives its image once it ran on dev and passed the smoke check. */
export function testedTag(commit: string): string {
  return `tested-${commit}`;
}

export interface Repository {
  /** `<account>.dkr.ecr.<region>.amazonaws.com` */
  registry: string;
  region: string;
  name: string;
  url: string;
}

const REPOSITORY_URL = /^(\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)\/([a-z0-9][a-z0-9._/-]*)$/;

/** Reads a stack's `repositoryUrl` output. */
export function parseRepositoryUrl(url: string): Repository {
  const match = REPOSITORY_URL.exec(url);
  if (!match) throw new Error(`${JSON.stringify(url)} is not an ECR repository URL`);
  const [, registry = '', region = '', name = ''] = match;
  return { registry, region, name, url };
}

/** The reference a stack deploys: the repository and the digest, which no tag can move. */
export function imageByDigest(repository: Repository, digest: string): string {
  return `${repository.url}@${digest}`;
}

/** What to do with one tag in the destination repository. */
export type TagStep = { kind: 'keep' } | { kind: 'write' };

/**
 * A tag already in the repository is kept when it names the same image, and refused when it names another:
 * immutable tags cannot be moved, and deploying anything else than the tested digest under it would be wrong.
 */
export function tagStep(
  repository: Repository,
  tag: string,
  existing: RegistryImage | undefined,
  digest: string,
): TagStep {
  if (existing === undefined) return { kind: 'write' };
  if (existing.digest === digest) return { kind: 'keep' };
  throw new Error(
    `${repository.url}:${tag} already names ${existing.digest}, not ${digest}: ` +
      'the repository keeps its tags (immutable), so this image cannot take it',
  );
}

/** The refusal when a release's commit has no image that passed main's pipeline on dev. */
export function untestedCommit(repository: Repository, commit: string): Error {
  return new Error(
    `commit ${commit} has no image that passed main's pipeline on dev (no ${testedTag(commit)} in ` +
      `${repository.url}): release a commit whose main build deployed dev and passed the smoke check, or ` +
      're-run that build; images older than the 30 newest have expired (stacks/src/registry.ts)',
  );
}
