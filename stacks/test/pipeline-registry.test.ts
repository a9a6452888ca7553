// The registry steps against a stand-in for ECR that keeps what the promotion depends on: an image's digest is
// the SHA-256 of its manifest's bytes (the OCI distribution spec), tags are immutable (PutImage refuses to move
// one: ImageTagAlreadyExistsException), BatchGetImage reports a missing tag as a failure with the code
// ImageNotFound and exit status 0, pushes and copies need a login to each registry, and skopeo's
// --preserve-digests copies the manifest unchanged.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { findTested, promote, push, recordTested, stackRepository } from '../pipeline/registry-commands';
import type { RegistryTools } from '../pipeline/registry-commands';
import { parseRepositoryUrl, testedTag } from '../pipeline/registry-images';

const COMMIT = '3f9c2ab1d4e5f60718293a4b5c6d7e8f90a1b2c3';
const DEV = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/polls-dev-repository-1a2b3c';
const PROD = '222222222222.dkr.ecr.eu-west-1.amazonaws.com/polls-prod-repository-4d5e6f';
const MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

interface StoredImage {
  manifest: string;
  digest: string;
}

function digestOf(manifest: string): string {
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}

function flag(command: string[], name: string): string {
  return command[command.indexOf(name) + 1] ?? '';
}

class FakeRegistries implements RegistryTools {
  readonly repositories = new Map<string, Map<string, StoredImage>>([
    [DEV, new Map()],
    [PROD, new Map()],
  ]);
  readonly loggedIn = new Set<string>();
  readonly commands: string[][] = [];
  readonly lines: string[] = [];

  private repository(name: string): Map<string, StoredImage> {
    const found = [...this.repositories].find(([url]) => url.endsWith(`/${name}`));
    if (!found) throw new Error(`RepositoryNotFoundException: ${name}`);
    return found[1];
  }

  private tagged(reference: string): { url: string; tags: Map<string, StoredImage>; tag: string } {
    const [url = '', tag = ''] = reference.replace(/^docker:\/\//, '').split(/:(?=[^:/]+$)/);
    if (!this.loggedIn.has(url.split('/')[0] ?? '')) throw new Error(`unauthorized: ${url}`);
    return { url, tags: this.repositories.get(url)!, tag };
  }

  private put(tags: Map<string, StoredImage>, tag: string, manifest: string): void {
    const existing = tags.get(tag);
    if (existing && existing.digest !== digestOf(manifest)) {
      throw new Error(`ImageTagAlreadyExistsException: tag ${tag} is immutable`);
    }
    tags.set(tag, { manifest, digest: digestOf(manifest) });
  }

  run(command: string[], input?: string): string {
    this.commands.push(command);
    const [tool, first, second] = command;
    if (tool === 'pulumi') return `${flag(command, '--stack') === 'dev' ? DEV : PROD}\n`;
    if (tool === 'aws' && second === 'get-login-password') return 'ecr-token';
    if (tool === 'aws' && second === 'batch-get-image') {
      const tag = flag(command, '--image-ids').replace('imageTag=', '');
      const image = this.repository(flag(command, '--repository-name')).get(tag);
      return JSON.stringify(
        image
          ? {
              images: [
                {
                  imageId: { imageDigest: image.digest, imageTag: tag },
                  imageManifest: image.manifest,
                  imageManifestMediaType: MEDIA_TYPE,
                },
              ],
              failures: [],
            }
          : { images: [], failures: [{ imageId: { imageTag: tag }, failureCode: 'ImageNotFound' }] },
      );
    }
    if (tool === 'aws' && second === 'put-image') {
      const tags = this.repository(flag(command, '--repository-name'));
      this.put(tags, flag(command, '--image-tag'), flag(command, '--image-manifest'));
      return '{}';
    }
    if (tool === 'podman' && first === 'login') {
      assert.equal(input, 'ecr-token', 'the password arrives on stdin');
      this.loggedIn.add(command[command.length - 1] ?? '');
      return '';
    }
    if (tool === 'podman' && first === 'push') {
      const destination = this.tagged(command[3] ?? '');
      // A push serialises the local image's manifest; the same local image gives the same bytes.
      this.put(
        destination.tags,
        destination.tag,
        JSON.stringify({ config: command[2], mediaType: MEDIA_TYPE }),
      );
      return '';
    }
    if (tool === 'skopeo') {
      assert.ok(command.includes('--preserve-digests'));
      const [source = '', digest = ''] = (command.at(-2) ?? '').replace('docker://', '').split('@');
      if (!this.loggedIn.has(source.split('/')[0] ?? '')) throw new Error(`unauthorized: ${source}`);
      const image = [...this.repositories.get(source)!.values()].find((stored) => stored.digest === digest);
      if (!image) throw new Error(`manifest unknown: ${digest}`);
      const destination = this.tagged(command.at(-1) ?? '');
      this.put(destination.tags, destination.tag, image.manifest);
      return '';
    }
    throw new Error(`unexpected command ${command.join(' ')}`);
  }

  log(line: string): void {
    this.lines.push(line);
  }

  digest(url: string, tag: string): string | undefined {
    return this.repositories.get(url)?.get(tag)?.digest;
  }
}

describe('pipeline registry steps', () => {
  let registries: FakeRegistries;
  const dev = parseRepositoryUrl(DEV);
  const prod = parseRepositoryUrl(PROD);

  beforeEach(() => {
    registries = new FakeRegistries();
  });

  function mainBuild(): string {
    const deployed = push(dev, 'localhost/polls-ci:executor-0', [COMMIT], registries);
    recordTested(dev, COMMIT, registries);
    return deployed;
  }

  it("reads the stack's repository from its repositoryUrl output", () => {
    assert.deepEqual(stackRepository('prod', registries), prod);
    assert.equal(prod.region, 'eu-west-1');
    assert.equal(prod.registry, '222222222222.dkr.ecr.eu-west-1.amazonaws.com');
  });

  describe('on main', () => {
    it('pushes the image under the commit and deploys it by digest', () => {
      const deployed = push(dev, 'localhost/polls-ci:executor-0', [COMMIT], registries);
      assert.equal(deployed, `${DEV}@${registries.digest(DEV, COMMIT)}`);
    });

    it('keeps a tag the repository already has instead of pushing again', () => {
      push(dev, 'localhost/polls-ci:executor-0', [COMMIT], registries);
      const pushes = registries.commands.filter(([tool, verb]) => tool === 'podman' && verb === 'push');
      push(dev, 'localhost/polls-ci:executor-1', [COMMIT], registries);
      assert.equal(
        registries.commands.filter(([tool, verb]) => tool === 'podman' && verb === 'push').length,
        pushes.length,
      );
      assert.match(registries.lines.at(-1) ?? '', /already in the registry: keeping it/);
    });

    it('records the image that ran as tested under a second tag naming the same digest', () => {
      mainBuild();
      assert.equal(registries.digest(DEV, testedTag(COMMIT)), registries.digest(DEV, COMMIT));
      recordTested(dev, COMMIT, registries);
      assert.equal(registries.commands.filter((command) => command[2] === 'put-image').length, 1);
    });
  });

  describe('on a release tag', () => {
    it('deploys in prod the very digest that ran on dev, under the commit and the version', () => {
      const ranOnDev = mainBuild();
      const source = findTested(dev, COMMIT, registries);
      assert.equal(source, ranOnDev);
      const deployed = promote(prod, source, [COMMIT, '1.2.3'], registries);
      const digest = registries.digest(DEV, COMMIT);
      assert.equal(deployed, `${PROD}@${digest}`);
      assert.equal(registries.digest(PROD, COMMIT), digest);
      assert.equal(registries.digest(PROD, '1.2.3'), digest);
    });

    it('builds nothing: no podman build or push runs', () => {
      mainBuild();
      const before = registries.commands.length;
      promote(prod, findTested(dev, COMMIT, registries), [COMMIT, '1.2.3'], registries);
      const releaseCommands = registries.commands.slice(before).map(([tool, verb]) => `${tool} ${verb}`);
      assert.ok(
        !releaseCommands.some((command) => /podman (build|push)/.test(command)),
        releaseCommands.join(),
      );
    });

    it('refuses a commit whose image never passed on dev, naming the tag it looked for', () => {
      push(dev, 'localhost/polls-ci:executor-0', [COMMIT], registries);
      assert.throws(
        () => findTested(dev, COMMIT, registries),
        new RegExp(
          `^Error: commit ${COMMIT} has no image that passed main's pipeline on dev \\(no tested-${COMMIT} in `,
        ),
      );
    });

    it('keeps tags a re-run already copied, and refuses a tag that names another image', () => {
      mainBuild();
      const source = findTested(dev, COMMIT, registries);
      promote(prod, source, [COMMIT, '1.2.3'], registries);
      const copies = registries.commands.filter(([tool]) => tool === 'skopeo').length;
      promote(prod, source, [COMMIT, '1.2.3'], registries);
      assert.equal(registries.commands.filter(([tool]) => tool === 'skopeo').length, copies);

      registries.repositories.get(PROD)!.set('1.2.4', { manifest: '{}', digest: digestOf('{}') });
      assert.throws(
        () => promote(prod, source, ['1.2.4'], registries),
        /:1\.2\.4 already names sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64}: the repository keeps its tags/,
      );
    });

    it('refuses a source that is not named by its digest', () => {
      assert.throws(
        () => promote(prod, `${DEV}:${COMMIT}`, [COMMIT], registries),
        /does not name an image by its digest/,
      );
    });
  });
});
