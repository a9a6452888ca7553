import * as pulumi from '@pulumi/pulumi';
import type { RunningMachineImage } from './ec2/machine-image';
import type { RunningAddons } from './eks/addon-versions';

/** What the stack's last completed update exported, as far as the next deploy depends on it. */
export interface LastDeploy {
  /** The image the platform runs (the `image` output); undefined before the first image. */
  image?: string;
  /** The zones the network spans (the `azCount` output). */
  azCount?: number;
  /** The VPC's address block (the `vpcCidr` output). */
  vpcCidr?: string;
  /** The region everything is in (the `region` output). */
  region?: string;
  /** The RDS instance's identifier, read from the `dbEndpoint` output; undefined before the first deploy. */
  databaseIdentifier?: string;
  /** ec2: the AMI the instances run (the `machineImage` output). */
  machineImage?: RunningMachineImage;
  /** eks: the add-on versions the cluster runs (the `addonVersions` output). */
  addonVersions?: RunningAddons;
  /** The CDN served the site at the last deploy (its `cdnDistributionId` output): the origin may be locked. */
  cdnServed?: true;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function machineImageOf(value: unknown): RunningMachineImage | undefined {
  if (!isRecord(value) || typeof value.id !== 'string') return undefined;
  return value.architecture === 'x86_64' || value.architecture === 'arm64'
    ? { id: value.id, architecture: value.architecture }
    : undefined;
}

function addonVersionsOf(value: unknown): RunningAddons | undefined {
  if (!isRecord(value) || typeof value.kubernetesVersion !== 'string' || !isRecord(value.versions))
    return undefined;
  const versions = Object.entries(value.versions).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return { kubernetesVersion: value.kubernetesVersion, versions: Object.fromEntries(versions) };
}

/**
 * Reads the stack's own outputs through a StackReference to itself. The engine answers from the stack's
 * latest checkpoint (`readStackReference` in pkg/resource/deploy/builtins.go → `GetStackOutputs`; the diy
 * backend's `getSnapshotStackOutputs` in pkg/backend/diy/state.go returns no outputs when the stack has no
 * checkpoint yet): so a stack that `pulumi stack init` created but never deployed reads as empty, and a
 * stack that does not exist at all stops with "unknown stack" — `pulumi up` needs a selected stack anyway.
 */
export async function readLastDeploy(): Promise<LastDeploy> {
  const self = new pulumi.StackReference('polls-last-deploy', {
    name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
  });
  const [image, azCount, vpcCidr, region, dbEndpoint, machineImage, addonVersions, cdnDistributionId] =
    await Promise.all([
      self.getOutputDetails('image'),
      self.getOutputDetails('azCount'),
      self.getOutputDetails('vpcCidr'),
      self.getOutputDetails('region'),
      self.getOutputDetails('dbEndpoint'),
      self.getOutputDetails('machineImage'),
      self.getOutputDetails('addonVersions'),
      self.getOutputDetails('cdnDistributionId'),
    ]);
  const runningImage = machineImageOf(machineImage.value);
  const runningAddons = addonVersionsOf(addonVersions.value);
  const databaseIdentifier =
    typeof dbEndpoint.value === 'string' ? identifierOfEndpoint(dbEndpoint.value) : undefined;
  return {
    ...(typeof image.value === 'string' && image.value !== '' && { image: image.value }),
    ...(typeof azCount.value === 'number' && { azCount: azCount.value }),
    ...(typeof vpcCidr.value === 'string' && { vpcCidr: vpcCidr.value }),
    ...(typeof region.value === 'string' && { region: region.value }),
    ...(databaseIdentifier && { databaseIdentifier }),
    ...(runningImage && { machineImage: runningImage }),
    ...(runningAddons && { addonVersions: runningAddons }),
    ...(typeof cdnDistributionId.value === 'string' && { cdnServed: true as const }),
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

/** Where the network is: its zones, its address block, its region. */
export interface NetworkPlace {
  azCount: number;
  vpcCidr: string;
  region: string;
}

/**
 * A deployed network stays where it is. A new zone count changes the subnets of the EKS control plane (which
 * replaces the cluster) and, fewer zones, deletes subnets that instances and the database sit in; a new
 * block replaces the VPC and everything in it, the database included; a new region makes the provider look
 * for every resource where none of them is, and create the stack again beside the old one.
 */
export function checkNetworkPlace(configured: NetworkPlace, last: LastDeploy): void {
  const keeps: Array<[string, string | number, string | number | undefined, string]> = [
    ['polls:azCount', configured.azCount, last.azCount, 'zones'],
    ['polls:vpcCidr', configured.vpcCidr, last.vpcCidr, 'address block'],
    ['aws:region', configured.region, last.region, 'region'],
  ];
  for (const [key, now, deployed, what] of keeps) {
    if (deployed !== undefined && deployed !== now) {
      throw new Error(
        `${key} is ${now} but the stack is deployed with ${deployed}: a deployed network keeps its ${what}; ` +
          `set ${key} back to ${deployed}`,
      );
    }
  }
}
