import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';
import type { AddonVersionChoice } from './addon-versions';

/**
 * Managed add-ons, each at the version it runs, or EKS's default for the cluster's Kubernetes version on the
 * first deploy (see addon-versions.ts): raising the cluster version updates them in place after the control
 * plane (EKS never upgrades them by itself). The node-level
 * ones (networking, kube-proxy, pod identity) exist before any node joins; CoreDNS and metrics-server are
 * Deployments and only become healthy once nodes exist, so they wait for the node group.
 *
 * metrics-server comes as the EKS community add-on rather than a Helm chart: the same API, versions that
 * AWS validates for the cluster version, and no extra chart repository to reach at deploy time.
 */
export const nodeAddonNames = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'] as const;
export const workloadAddonNames = ['coredns', 'metrics-server'] as const;

/** vpc-cni's network policy agent is what enforces the workload's NetworkPolicies; it is off by default. */
export const vpcCniConfiguration = { enableNetworkPolicy: 'true' };

const configurations: Record<string, object> = { 'vpc-cni': vpcCniConfiguration };

export interface ClusterAddonsArgs {
  cluster: aws.eks.Cluster;
  addonNames: readonly string[];
  /** Which version each add-on runs: the one it runs now, or EKS's default for the cluster's version. */
  versions: AddonVersionChoice;
  /** What the add-ons' pods need first (the node group, for the ones that are Deployments). */
  after: pulumi.Resource[];
  /**
   * The prefix the add-ons were named with when the platform created them directly (`<platform>-<add-on>`):
   * their aliases keep them, so a live stack moves them into this component instead of re-creating them.
   */
  formerNamePrefix: string;
  tags: Tags;
}

/** One tier of managed add-ons (node-level, or cluster services), each named `<name>-<add-on>`. */
export class ClusterAddons extends pulumi.ComponentResource {
  readonly addons: aws.eks.Addon[];

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:ClusterAddons', name, {}, opts);
    this.addons = args.addonNames.map((addonName) => {
      const configuration = configurations[addonName];
      return new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: args.cluster.name,
          addonName,
          addonVersion: args.versions.versionOf(addonName, this),
          resolveConflictsOnCreate: 'OVERWRITE',
          resolveConflictsOnUpdate: 'OVERWRITE',
          ...(configuration && { configurationValues: JSON.stringify(configuration) }),
          tags: args.tags,
        },
        {
          parent: this,
          dependsOn: args.after,
          aliases: [{ name: `${args.formerNamePrefix}-${addonName}`, parent: opts?.parent }],
        },
      );
    });
    this.registerOutputs({ addonNames: args.addonNames });
  }
}
