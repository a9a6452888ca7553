import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tags } from '../tags';
import { serviceRole } from './iam';

export interface ControlPlaneArgs {
  clusterName: string;
  kubernetesVersion: string;
  /** Where the control plane's network interfaces go: the private subnets. */
  subnetIds: pulumi.Input<string>[];
  endpointPublicAccess: boolean;
  publicAccessCidrs: string[];
  logRetentionDays: number;
  tags: Tags;
}

/** Every control-plane log type: API calls and authentication are what an incident review needs. */
export const controlPlaneLogTypes = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/** The EKS control plane: its role, the KMS key for Secrets, the log group, the cluster itself. */
export function controlPlane(
  name: string,
  args: ControlPlaneArgs,
  opts: pulumi.CustomResourceOptions,
): aws.eks.Cluster {
  const { tags } = args;
  const role = serviceRole(
    `${name}-cluster-role`,
    {
      service: 'eks.amazonaws.com',
      tagSession: true,
      managedPolicies: ['AmazonEKSClusterPolicy'],
      description: `EKS control plane of ${args.clusterName}`,
      tags,
    },
    opts,
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
    opts,
  );
  new aws.kms.Alias(
    `${name}-secrets-key-alias`,
    { name: `alias/${args.clusterName}-secrets`, targetKeyId: secretsKey.keyId },
    opts,
  );

  // EKS writes to this fixed name; creating it first gives the logs a retention instead of "never expire".
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionDays, tags },
    opts,
  );

  return new aws.eks.Cluster(
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
      // Standard support only: extended support costs six times as much per hour.
      upgradePolicy: { supportType: 'STANDARD' },
      tags,
    },
    { ...opts, dependsOn: [logGroup] },
  );
}
