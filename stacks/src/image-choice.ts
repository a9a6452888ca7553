/** What a `pulumi up` deploys: the foundation only, or the platform running one image. */
export type Deployment = { foundationOnly: true } | { foundationOnly: false; image: string };

export interface ImageChoiceInputs {
  /** `polls:image`, when set (the pipeline sets it per deploy). */
  configured?: string;
  /** The image the stack's last deploy exported (its own `image` output, see last-deploy.ts), if it ran one. */
  running?: string;
  /** `polls:foundationOnly`: the first deploy, before any image exists in the registry. */
  foundationOnly: boolean;
}

/**
 * Decides what to deploy so that an ordinary `pulumi up` never removes a running platform: without
 * `polls:image` the stack keeps the image it runs; the foundation alone is built only when asked for, and
 * never over a running platform. Anything else stops with one line naming the fix.
 */
export function chooseDeployment(inputs: ImageChoiceInputs): Deployment {
  const { configured, running, foundationOnly } = inputs;
  if (foundationOnly) {
    if (configured !== undefined) {
      throw new Error('polls:foundationOnly and polls:image are both set: remove one of them');
    }
    if (running !== undefined) {
      throw new Error(
        `polls:foundationOnly is true but the stack runs ${running}: that would delete the platform; ` +
          'run `pulumi config rm polls:foundationOnly` (to remove everything, `pulumi destroy`)',
      );
    }
    return { foundationOnly: true };
  }
  const image = configured ?? running;
  if (image === undefined) {
    throw new Error(
      'polls:image is not set and the stack runs no image yet: pass --config polls:image=<repositoryUrl>:<tag>, ' +
        'or for the very first deploy (network, registry and database only) set polls:foundationOnly to true',
    );
  }
  return { foundationOnly: false, image };
}
