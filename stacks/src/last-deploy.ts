import * as pulumi from '@pulumi/pulumi';

/** What the stack's last completed update exported, as far as the next deploy depends on it. */
export interface LastDeploy {
  /** The image the platform runs (the `image` output); undefined before the first image. */
  image?: string;
  /** The zones the network spans (the `azCount` output). */
  azCount?: number;
  /** The RDS instance's identifier, read from the `dbEndpoint` output; undefined before the first deploy. */
  databaseIdentifier?: string;
}

/**
 * Reads the stack's own outputs through a StackReference to itself: the engine answers with the outputs of
 * the last completed update (none on a new stack).
 */
export async function readLastDeploy(): Promise<LastDeploy> {
  const self = new pulumi.StackReference('polls-last-deploy', {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const [image, azCount, dbEndpoint] = await Promise.all([
    self.getOutputDetails('image'),
    self.getOutputDetails('azCount'),
    self.getOutputDetails('dbEndpoint'),
  ]);
  const databaseIdentifier =
    typeof dbEndpoint.value === 'string' ? identifierOfEndpoint(dbEndpoint.value) : undefined;
  return {
    ...(typeof image.value === 'string' && image.value !== '' && { image: image.value }),
    ...(typeof azCount.value === 'number' && { azCount: azCount.value }),
    ...(databaseIdentifier && { databaseIdentifier }),
  };
}

/**
 * The DB instance identifier in an RDS endpoint (`<identifier>.<id>.<region>.rds.amazonaws.com:5432`): RDS
 * names the endpoint after the instance ("the URL includes the name you assigned to the DB instance",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RenameInstance.html). Read from the endpoint
 * because stacks deployed before the program named its instance export nothing else that holds it.
 */
export function identifierOfEndpoint(endpoint: string): string | undefined {
  const label = endpoint.split('.')[0] ?? '';
  return /^[a-z][a-z0-9-]{0,62}$/.test(label) ? label : undefined;
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
