import * as pulumi from '@pulumi/pulumi';

/** What the stack's last completed update exported, as far as the next deploy depends on it. */
export interface LastDeploy {
  /** The image the platform runs (the `image` output); undefined before the first image. */
  image?: string;
  /** The zones the network spans (the `azCount` output). */
  azCount?: number;
}

/**
 * Reads the stack's own outputs through a StackReference to itself: the engine answers with the outputs of
 * the last completed update (none on a new stack).
 */
export async function readLastDeploy(): Promise<LastDeploy> {
  const self = new pulumi.StackReference('polls-last-deploy', {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const [image, azCount] = await Promise.all([
    self.getOutputDetails('image'),
    self.getOutputDetails('azCount'),
  ]);
  return {
    ...(typeof image.value === 'string' && image.value !== '' && { image: image.value }),
    ...(typeof azCount.value === 'number' && { azCount: azCount.value }),
  };
}

/**
 * A deployed network keeps its zones: a new zone count changes the subnets of the EKS control plane (which
 * replaces the cluster) and, fewer zones, deletes subnets that instances and the database sit in.
 */
export function checkZoneCount(configured: number, last: LastDeploy): void {
  if (last.azCount !== undefined && last.azCount !== configured) {
    throw new Error(
      `polls:azCount is ${configured} but the stack is deployed across ${last.azCount} zones: ` +
        `a deployed network keeps its zones; set polls:azCount back to ${last.azCount}`,
    );
  }
}
