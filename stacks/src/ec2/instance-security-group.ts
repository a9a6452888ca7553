import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { postgresPort } from '../database';
import { childrenMovedInto } from '../moved-children';
import { CONTAINER_PORT } from '../service-contract';
import type { Tags } from '../tags';

export interface InstanceSecurityGroupArgs {
  vpcId: pulumi.Input<string>;
  /** The load balancer's group: the only source of web traffic, and the group that must be let out to it. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** The database's group: it admits the instances, and never needs to know which platform they are. */
  databaseSecurityGroupId: pulumi.Input<string>;
  tags: Tags;
}

/** One TCP port, as a rule's protocol and range. */
function tcp(port: number): { ipProtocol: string; fromPort: number; toPort: number } {
  return { ipProtocol: 'tcp', fromPort: port, toPort: port };
}

/**
 * The service instances' security group and both ends of every path they use: the service port from the load
 * balancer, HTTPS out, PostgreSQL to the database. Its children were once created directly under the ec2
 * platform; their aliases keep them (see moved-children.ts).
 */
export class InstanceSecurityGroup extends pulumi.ComponentResource {
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: InstanceSecurityGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:ec2:InstanceSecurityGroup', name, {}, opts);
    const children = childrenMovedInto(this, opts);
    const { tags } = args;

    const group = new aws.ec2.SecurityGroup(
      `${name}-instance-sg`,
      {
        vpcId: args.vpcId,
        description: 'polls service instances: web traffic from the load balancer only',
        tags,
      },
      children,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-instance-from-lb`,
      {
        securityGroupId: group.id,
        description: 'The service port, from the load balancer',
        ...tcp(CONTAINER_PORT),
        referencedSecurityGroupId: args.loadBalancerSecurityGroupId,
        tags,
      },
      children,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-lb-to-instance`,
      {
        securityGroupId: args.loadBalancerSecurityGroupId,
        description: 'The service port on the instances',
        ...tcp(CONTAINER_PORT),
        referencedSecurityGroupId: group.id,
        tags,
      },
      children,
    );
    // HTTPS out (through NAT) reaches ECR, Secrets Manager, CloudWatch Logs, SSM and the package mirrors.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-instance-to-https`,
      {
        securityGroupId: group.id,
        description: 'AWS APIs and package mirrors over HTTPS',
        ...tcp(443),
        cidrIpv4: '0.0.0.0/0',
        tags,
      },
      children,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-instance-to-db`,
      {
        securityGroupId: group.id,
        description: 'PostgreSQL',
        ...tcp(postgresPort),
        referencedSecurityGroupId: args.databaseSecurityGroupId,
        tags,
      },
      children,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-db-from-instance`,
      {
        securityGroupId: args.databaseSecurityGroupId,
        description: 'PostgreSQL from the polls service instances',
        ...tcp(postgresPort),
        referencedSecurityGroupId: group.id,
        tags,
      },
      children,
    );
    this.securityGroupId = group.id;
    this.registerOutputs({ securityGroupId: this.securityGroupId });
  }
}
