import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/** The add-on versions a deploy ran and the Kubernetes version they were chosen for (the `addonVersions` output). */
export interface RunningAddons {
  kubernetesVersion: string;
  versions: Record<string, string>;
}

/**
 * Whether the add-ons keep the versions the last deploy recorded: yes, unless there is no record (the first
 * deploy), the Kubernetes version moved (a new version needs its own add-on versions), or the operator asked
 * for EKS's current defaults (`polls:addonVersions: default`). So a default EKS publishes later moves
 * nothing until someone asks.
 */
export function keepsAddonVersions(
  running: RunningAddons | undefined,
  kubernetesVersion: string,
  takeDefaults: boolean,
): running is RunningAddons {
  return !takeDefaults && running !== undefined && running.kubernetesVersion === kubernetesVersion;
}

/**
 * EKS's default version of an add-on for the cluster's Kubernetes version
 * (DescribeAddonVersions' `defaultVersion`, through aws.eks.getAddonVersion with `mostRecent: false`): one
 * that AWS lists as compatible with that version, so a pinned version always exists for it.
 */
function defaultAddonVersion(
  cluster: aws.eks.Cluster,
  addonName: string,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  return aws.eks.getAddonVersionOutput(
    { addonName, kubernetesVersion: cluster.version, mostRecent: false },
    { parent },
  ).version;
}

/** Chooses each add-on's version once per deploy; the platform exports the record. */
export class AddonVersionChoice {
  constructor(
    private readonly cluster: aws.eks.Cluster,
    private readonly kubernetesVersion: string,
    private readonly running: RunningAddons | undefined,
    private readonly takeDefaults: boolean,
  ) {}

  /** The running version while it is kept, EKS's default for the cluster's version otherwise. */
  versionOf(addonName: string, parent: pulumi.Resource): pulumi.Input<string> {
    const kept = keepsAddonVersions(this.running, this.kubernetesVersion, this.takeDefaults)
      ? this.running.versions[addonName]
      : undefined;
    return kept ?? defaultAddonVersion(this.cluster, addonName, parent);
  }

  /** What the add-ons run after this deploy, read back from the add-ons themselves. */
  record(addons: aws.eks.Addon[]): pulumi.Output<RunningAddons> {
    return pulumi
      .all(addons.map((addon) => pulumi.all([addon.addonName, addon.addonVersion])))
      .apply((pairs) => ({ kubernetesVersion: this.kubernetesVersion, versions: Object.fromEntries(pairs) }));
  }
}
