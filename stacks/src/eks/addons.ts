import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';

/**
 * Managed add-ons, each at EKS's default version for the cluster's Kubernetes version: raising the cluster
 * version updates them in place after the control plane (EKS never upgrades them by itself). The node-level ones (networking, kube-proxy, pod identity) exist before any node joins; CoreDNS and
 * metrics-server are Deployments and only become healthy once nodes exist, so they wait for the node group.
 *
 * metrics-server comes as the EKS community add-on rather than a Helm chart: the same API, versions that
 * AWS validates for the cluster version, and no extra chart repository to reach at deploy time.
 */
export const nodeAddonNames = ['vpc-cni', 'kube-proxy', 'eks-pod-identity-agent'] as const;
export const workloadAddonNames = ['coredns', 'metrics-server'] as const;

/** vpc-cni's network policy agent is what enforces the workload's NetworkPolicies; it is off by default. */
export const vpcCniConfiguration = { enableNetworkPolicy: 'true' };

function addon(
  name: string,
  cluster: aws.eks.Cluster,
  addonName: string,
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
  configuration?: object,
): aws.eks.Addon {
  const version = aws.eks.getAddonVersionOutput(
    { addonName, kubernetesVersion: cluster.version, mostRecent: false },
    { parent: opts.parent },
  ).version;
  return new aws.eks.Addon(
    `${name}-${addonName}`,
    {
      clusterName: cluster.name,
      addonName,
      addonVersion: version,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      ...(configuration && { configurationValues: JSON.stringify(configuration) }),
      tags,
    },
    opts,
  );
}

export function nodeAddons(
  name: string,
  cluster: aws.eks.Cluster,
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
): aws.eks.Addon[] {
  return nodeAddonNames.map((addonName) =>
    addon(name, cluster, addonName, tags, opts, addonName === 'vpc-cni' ? vpcCniConfiguration : undefined),
  );
}

export function workloadAddons(
  name: string,
  cluster: aws.eks.Cluster,
  tags: Tags,
  opts: pulumi.CustomResourceOptions,
): aws.eks.Addon[] {
  return workloadAddonNames.map((addonName) => addon(name, cluster, addonName, tags, opts));
}
