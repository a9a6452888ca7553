import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';
import { childrenMovedInto } from '../moved-children';
import { serviceRole } from './iam';

export interface ClusterArgs {
  clusterName: string;
  kubernetesVersion: string;
  /** EKS extended support (`polls:kubernetesExtendedSupport`); otherwise standard support only. */
  extendedSupport: boolean;
  /** Where the control plane's network interfaces go: the private subnets. */
  subnetIds: pulumi.Input<string>[];
  endpointPublicAccess: boolean;
  publicAccessCidrs: string[];
  logRetentionDays: number;
  tags: Tags;
}

/** Every control-plane log type: API calls and authentication are what an incident review needs. */
export const controlPlaneLogTypes = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * The EKS control plane: its role, the KMS key for Secrets, the log group, the cluster itself. Its children
 * were once created directly under the platform; their aliases keep them (see moved-children.ts).
 */
export class Cluster extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:Cluster', name, {}, opts);
    const children = childrenMovedInto(this, opts);
    const { tags } = args;
    const { role, policyAttachments } = serviceRole(
      `${name}-cluster-role`,
      {
        service: 'eks.amazonaws.com',
        tagSession: true,
        managedPolicies: ['AmazonEKSClusterPolicy'],
        description: `EKS control plane of ${args.clusterName}`,
        tags,
      },
      children,
    );

    // Kubernetes Secrets (the database URL, session keys) are envelope-encrypted with this key in etcd.
    const secretsKey = new aws.kms.Key(
      `${name}-secrets-key`,
      {
        description: `Kubernetes Secrets of ${args.clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        tags,
      },
      children,
    );
    new aws.kms.Alias(
      `${name}-secrets-key-alias`,
      { name: `alias/${args.clusterName}-secrets`, targetKeyId: secretsKey.keyId },
      children,
    );

    // EKS writes to this fixed name; creating it first gives the logs a retention instead of "never expire".
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionDays, tags },
      children,
    );

    this.cluster = new aws.eks.Cluster(
      `${name}-cluster`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        roleArn: role.arn,
        // Access entries only (no aws-auth ConfigMap); the deployer gets its entry explicitly (see access.ts).
        accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
        // vpc-cni, kube-proxy and CoreDNS come as managed add-ons with our configuration instead.
        bootstrapSelfManagedAddons: false,
        enabledClusterLogTypes: controlPlaneLogTypes,
        encryptionConfig: { resources: ['secrets'], provider: { keyArn: secretsKey.arn } },
        vpcConfig: {
          subnetIds: args.subnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: args.endpointPublicAccess,
          ...(args.endpointPublicAccess && { publicAccessCidrs: args.publicAccessCidrs }),
        },
        // Standard unless asked: extended support costs six times as much per hour. At the end of standard
        // support EKS then upgrades the control plane itself; kubernetes-versions.ts warns 60 days before and
        // refuses the version after, so we upgrade first. A new `version` is an in-place update
        // (UpdateClusterVersion), never a new cluster.
        upgradePolicy: { supportType: args.extendedSupport ? 'EXTENDED' : 'STANDARD' },
        tags,
      },
      { ...children, dependsOn: [logGroup, ...policyAttachments] },
    );
    this.registerOutputs({ clusterName: this.cluster.name });
  }
}
