import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { architectureOf } from '../architecture';
import { encryptedRootVolume, imdsV2Only } from '../instance-hardening';
import { named, type Tags } from '../tags';
import { childrenMovedInto } from '../moved-children';
import { serviceRole } from './iam';

export interface NodeGroupArgs {
  cluster: aws.eks.Cluster;
  /** The nodes' kubelet version: the cluster's, so raising it rolls the nodes after the control plane. */
  kubernetesVersion: string;
  subnetIds: pulumi.Input<string>[];
  instanceType: string;
  minSize: number;
  maxSize: number;
  /** What must exist before a node joins: the node-level add-ons (networking). */
  after: pulumi.Resource[];
  tags: Tags;
}

/** Root volume of each node: images and pod scratch space. */
const rootVolumeGb = 40;

/**
 * The managed node group in the private subnets. Its launch template requires IMDSv2 with a hop limit of 1,
 * so a pod (one network hop further than the node) cannot read the node role's credentials from the
 * instance metadata service. EKS picks the AMI (Amazon Linux 2023) and writes the bootstrap user data.
 * Its children were once created directly under the platform; their aliases keep them.
 */
export class NodeGroup extends pulumi.ComponentResource {
  readonly nodeGroup: aws.eks.NodeGroup;

  constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:NodeGroup', name, {}, opts);
    const children = childrenMovedInto(this, opts);
    const { tags } = args;
    const { role, policyAttachments } = serviceRole(
      `${name}-node-role`,
      {
        service: 'ec2.amazonaws.com',
        tagSession: false,
        // The CNI policy stays on the node role: aws-node runs on the host network, and the hop limit keeps
        // ordinary pods from borrowing it.
        managedPolicies: [
          'AmazonEKSWorkerNodePolicy',
          'AmazonEKS_CNI_Policy',
          'AmazonEC2ContainerRegistryPullOnly',
        ],
        description: `EKS nodes of ${name}`,
        tags,
      },
      children,
    );

    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-nodes`,
      {
        description: `EKS nodes of ${name}: IMDSv2 only, hop limit 1, encrypted root volume`,
        metadataOptions: imdsV2Only,
        blockDeviceMappings: [encryptedRootVolume(rootVolumeGb)],
        tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({
          resourceType,
          tags: named(tags, `${name}-node`),
        })),
        updateDefaultVersion: true,
        tags,
      },
      children,
    );

    this.nodeGroup = new aws.eks.NodeGroup(
      `${name}-nodes`,
      {
        clusterName: args.cluster.name,
        nodeRoleArn: role.arn,
        subnetIds: args.subnetIds,
        instanceTypes: [args.instanceType],
        // EKS's own AMI for this version (the launch template names none); a new version is a rolling update.
        // `releaseVersion` stays unset: EKS takes the latest AMI release for `version` at CreateNodegroup and
        // UpdateNodegroupVersion only, and the provider keeps the computed value from state in between, so a
        // newer EKS AMI release moves nothing until the Kubernetes version does.
        version: args.kubernetesVersion,
        amiType:
          architectureOf(args.instanceType) === 'arm64' ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD',
        capacityType: 'ON_DEMAND',
        // Nodes do not autoscale: no autoscaler runs, so the config owns the count (desired = polls:nodeMinSize)
        // and a raised minimum raises it too. docs/eks.md ("Scale") says why none runs.
        scalingConfig: { minSize: args.minSize, maxSize: args.maxSize, desiredSize: args.minSize },
        // A node upgrade replaces one node at a time, so the workload's disruption budget always holds.
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        tags,
      },
      { ...children, dependsOn: [...args.after, ...policyAttachments] },
    );
    this.registerOutputs({ nodeGroupName: this.nodeGroup.nodeGroupName });
  }
}
