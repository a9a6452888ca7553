import { createHash } from 'node:crypto';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';

export interface ClusterAdminsArgs {
  cluster: aws.eks.Cluster;
  /** `polls:clusterAdmins`: IAM role or user ARNs; the identity that runs `pulumi up` must be one of them. */
  principalArns: string[];
  tags: Tags;
}

/**
 * A cluster needs admins named in the stack's config. Checked by the program, not by config validation: the
 * ARNs are the account's own, so the stack file leaves them to each deployment, and tools that read the file
 * for the workload alone (`render:k8s`) need none.
 */
export function checkClusterAdmins(platform: string, clusterAdmins: readonly string[]): void {
  if (platform === 'eks' && clusterAdmins.length === 0) {
    throw new Error(
      'polls:clusterAdmins is required on eks: the IAM role or user ARNs that administer the cluster, ' +
        "including the one that runs `pulumi up` (pulumi config set --path 'polls:clusterAdmins[0]' <arn>)",
    );
  }
}

/**
 * The EKS API endpoint is public only to the addresses the stack names: the default list is empty, so a
 * stack on eks with the public endpoint on must name where `pulumi up` (the pipeline's agents) and kubectl
 * users connect from, or turn the public endpoint off (then deploy from inside the VPC). `0.0.0.0/0` is
 * accepted only when written out.
 */
export function checkPublicEndpoint(
  platform: string,
  publicAccess: boolean,
  publicAccessCidrs: readonly string[],
): void {
  if (platform === 'eks' && publicAccess && publicAccessCidrs.length === 0) {
    throw new Error(
      'polls:clusterPublicAccessCidrs is required on eks while polls:clusterEndpointPublicAccess is true: the ' +
        "addresses the deployer and kubectl users reach the API from (pulumi config set --path 'polls:clusterPublicAccessCidrs[0]' <address>/32)",
    );
  }
}

export const clusterAdminPolicyArn = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

/** A name that follows the principal, not its place in the list: reordering the list changes nothing. */
function entryName(name: string, principalArn: string): string {
  return `${name}-admin-${createHash('sha256').update(principalArn).digest('hex').slice(0, 8)}`;
}

/**
 * Cluster-admin access entries (API authentication mode) for the principals the config names, so access does
 * not follow whoever ran `pulumi up` last. Stacks deployed before `polls:clusterAdmins` had one entry for the
 * deployer (`<name>-deployer-access`); the first admin's entry takes it over through an alias, so when that
 * admin is the same principal nothing is re-created (a second entry for one principal would be refused).
 */
export class ClusterAdmins extends pulumi.ComponentResource {
  /** The Kubernetes provider depends on these: the deployer is an admin before anything is applied. */
  readonly associations: aws.eks.AccessPolicyAssociation[];

  constructor(name: string, args: ClusterAdminsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:ClusterAdmins', name, {}, opts);
    const formerParent = opts?.parent;
    this.associations = args.principalArns.map((principalArn, index) => {
      const entry = new aws.eks.AccessEntry(
        entryName(name, principalArn),
        { clusterName: args.cluster.name, principalArn, type: 'STANDARD', tags: args.tags },
        {
          parent: this,
          aliases: index === 0 ? [{ name: `${name}-deployer-access`, parent: formerParent }] : [],
        },
      );
      return new aws.eks.AccessPolicyAssociation(
        `${entryName(name, principalArn)}-policy`,
        {
          clusterName: args.cluster.name,
          principalArn: entry.principalArn,
          policyArn: clusterAdminPolicyArn,
          accessScope: { type: 'cluster' },
        },
        {
          parent: this,
          aliases: index === 0 ? [{ name: `${name}-deployer-admin`, parent: formerParent }] : [],
        },
      );
    });
    this.registerOutputs({ admins: args.principalArns });
  }
}
