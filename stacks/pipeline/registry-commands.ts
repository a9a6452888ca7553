// The registry steps of the pipeline (push, record as tested, find the tested image, promote it), as commands
// run through injected tools so that the tests can stand in for ECR. Each returns the reference to deploy.
import {
  imageByDigest,
  parseRepositoryUrl,
  tagStep,
  testedTag,
  untestedCommit,
  type RegistryImage,
  type Repository,
} from './registry-images';

export interface RegistryTools {
  /** Runs a command (no shell), `input` on its standard input; returns its standard output, throws on failure. */
  run(command: string[], input?: string): string;
  log(line: string): void;
}

// What the image build writes (`podman build --format docker`) and an OCI manifest: the two single-image types
// BatchGetImage accepts (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html).
// Naming them keeps ECR from converting the manifest, which would change its digest.
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
];

interface BatchGetImageAnswer {
  images?: { imageId: { imageDigest: string }; imageManifest: string; imageManifestMediaType: string }[];
  failures?: { failureCode: string; failureReason?: string }[];
}

export function stackRepository(stack: string, tools: RegistryTools): Repository {
  return parseRepositoryUrl(
    tools.run(['pulumi', 'stack', 'output', 'repositoryUrl', '--stack', stack]).trim(),
  );
}

/** The image a tag names, or undefined when the repository has no such tag (a failure, not an error, in ECR). */
export function imageByTag(
  repository: Repository,
  tag: string,
  tools: RegistryTools,
): RegistryImage | undefined {
  const answer = JSON.parse(
    tools.run([
      'aws',
      'ecr',
      'batch-get-image',
      '--region',
      repository.region,
      '--repository-name',
      repository.name,
      '--image-ids',
      `imageTag=${tag}`,
      '--accepted-media-types',
      ...MANIFEST_TYPES,
      '--output',
      'json',
    ]),
  ) as BatchGetImageAnswer;
  const [image] = answer.images ?? [];
  if (image) {
    return {
      digest: image.imageId.imageDigest,
      manifest: image.imageManifest,
      mediaType: image.imageManifestMediaType,
    };
  }
  const [failure] = answer.failures ?? [];
  if (failure?.failureCode === 'ImageNotFound') return undefined;
  throw new Error(
    `${repository.url}:${tag}: ${failure?.failureCode ?? 'no image'} ${failure?.failureReason ?? ''}`,
  );
}

function requireImage(repository: Repository, tag: string, tools: RegistryTools): RegistryImage {
  const image = imageByTag(repository, tag, tools);
  if (!image) throw new Error(`${repository.url}:${tag} is not in the registry`);
  return image;
}

/** Logs podman and skopeo (both read REGISTRY_AUTH_FILE) in to the repository's registry; the token goes by stdin. */
export function login(repository: Repository, tools: RegistryTools): void {
  const password = tools.run(['aws', 'ecr', 'get-login-password', '--region', repository.region]);
  tools.run(['podman', 'login', '--username', 'AWS', '--password-stdin', repository.registry], password);
}

/** Pushes the local image under each tag the repository lacks; returns the first tag's image by digest. */
export function push(
  repository: Repository,
  localImage: string,
  tags: string[],
  tools: RegistryTools,
): string {
  login(repository, tools);
  for (const tag of tags) {
    if (imageByTag(repository, tag, tools)) {
      tools.log(`${repository.url}:${tag} is already in the registry: keeping it (tags are immutable)`);
    } else {
      tools.run(['podman', 'push', localImage, `${repository.url}:${tag}`]);
    }
  }
  return imageByDigest(repository, requireImage(repository, tags[0] ?? '', tools).digest);
}

/** Tags the commit's image `tested-<commit>` without pulling it (ECR's documented retag: the same manifest). */
export function recordTested(repository: Repository, commit: string, tools: RegistryTools): void {
  const image = requireImage(repository, commit, tools);
  const tag = testedTag(commit);
  if (tagStep(repository, tag, imageByTag(repository, tag, tools), image.digest).kind === 'keep') return;
  tools.run([
    'aws',
    'ecr',
    'put-image',
    '--region',
    repository.region,
    '--repository-name',
    repository.name,
    '--image-tag',
    tag,
    '--image-manifest',
    image.manifest,
    '--image-manifest-media-type',
    image.mediaType,
  ]);
  tagStep(repository, tag, requireImage(repository, tag, tools), image.digest);
  tools.log(`${repository.url}:${tag} recorded for ${image.digest}`);
}

/** The image main built from the commit and ran on dev, by digest; logs in to its registry for the copy. */
export function findTested(repository: Repository, commit: string, tools: RegistryTools): string {
  const image = imageByTag(repository, testedTag(commit), tools);
  if (!image) throw untestedCommit(repository, commit);
  login(repository, tools);
  return imageByDigest(repository, image.digest);
}

/**
 * Copies the tested image into the stack's repository under each tag, byte for byte: skopeo's
 * --preserve-digests fails rather than change the digest (skopeo-copy(1)). Returns the image to deploy.
 */
export function promote(
  repository: Repository,
  source: string,
  tags: string[],
  tools: RegistryTools,
): string {
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(source)?.[1];
  if (digest === undefined) throw new Error(`${JSON.stringify(source)} does not name an image by its digest`);
  login(repository, tools);
  for (const tag of tags) {
    if (tagStep(repository, tag, imageByTag(repository, tag, tools), digest).kind === 'keep') {
      tools.log(`${repository.url}:${tag} already names ${digest}: keeping it`);
      continue;
    }
    tools.run([
      'skopeo',
      'copy',
      '--all',
      '--preserve-digests',
      `docker://${source}`,
      `docker://${repository.url}:${tag}`,
    ]);
    tagStep(repository, tag, requireImage(repository, tag, tools), digest);
  }
  return imageByDigest(repository, digest);
}
