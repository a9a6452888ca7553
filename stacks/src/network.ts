import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { named, type Tags } from './tags';

export interface NetworkArgs {
  vpcCidr: string;
  /** How many availability zones get a public and a private subnet (2 or more). */
  azCount: number;
  /** One NAT gateway per AZ (survives an AZ outage) instead of one shared gateway (cheaper). */
  natGatewayPerAz: boolean;
  tags: Tags;
}

/** The extra bits that split the VPC block into subnets: a /16 gives /20 subnets. */
const subnetBits = 4;
/** Private subnets start half-way through the block, leaving room for more public ones. */
const privateSubnetOffset = 2 ** (subnetBits - 1);

/** The `index`-th block of `newBits` more bits inside an IPv4 CIDR block (like Terraform's cidrsubnet). */
export function subnetCidr(cidr: string, newBits: number, index: number): string {
  const [address = '', prefixText = ''] = cidr.split('/');
  const prefix = Number(prefixText) + newBits;
  if (prefix > 28 || index >= 2 ** newBits) throw new Error(`${cidr} has no subnet ${index} of /${prefix}`);
  const base = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const start = base + index * 2 ** (32 - prefix);
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefix}`;
}

/** A VPC across `azCount` zones: public subnets for load balancers and NAT, private ones for everything else. */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly availabilityZones: pulumi.Output<string[]>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:network:Network', name, {}, opts);
    const parent = { parent: this };
    const { tags } = args;

    // Zones that need no opt-in: Local and Wavelength Zones lack the instance types and RDS we use.
    const zones = aws.getAvailabilityZonesOutput(
      { state: 'available', filters: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }] },
      parent,
    );
    this.availabilityZones = zones.names.apply((names) => {
      if (names.length < args.azCount) {
        throw new Error(`polls:azCount is ${args.azCount} but the region has only ${names.length} zones`);
      }
      return names.slice(0, args.azCount);
    });
    const zoneAt = (index: number) => this.availabilityZones.apply((names) => names[index] ?? '');
    const indexes = Array.from({ length: args.azCount }, (_, index) => index);

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: named(tags, name) },
      parent,
    );
    this.vpcId = vpc.id;
    this.vpcCidr = args.vpcCidr;

    // Strip the default security group's allow-all rules so nothing can rely on it by accident.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, tags: named(tags, `${name}-default-unused`) },
      parent,
    );

    const internetGateway = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: named(tags, name) },
      parent,
    );

    // The `kubernetes.io/role/*` tags let Kubernetes load balancers find their subnets on the eks platform.
    const subnet = (tier: 'public' | 'private', index: number, blockIndex: number, roleTag: string) =>
      new aws.ec2.Subnet(
        `${name}-${tier}-${index + 1}`,
        {
          vpcId: vpc.id,
          availabilityZone: zoneAt(index),
          cidrBlock: subnetCidr(args.vpcCidr, subnetBits, blockIndex),
          mapPublicIpOnLaunch: false,
          tags: { ...named(tags, `${name}-${tier}-${index + 1}`), [roleTag]: '1' },
        },
        parent,
      );
    const publicSubnets = indexes.map((index) => subnet('public', index, index, 'kubernetes.io/role/elb'));
    const privateSubnets = indexes.map((index) =>
      subnet('private', index, privateSubnetOffset + index, 'kubernetes.io/role/internal-elb'),
    );
    this.publicSubnetIds = publicSubnets.map((subnet) => subnet.id);
    this.privateSubnetIds = privateSubnets.map((subnet) => subnet.id);

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public-rt`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }],
        tags: named(tags, `${name}-public`),
      },
      parent,
    );
    publicSubnets.forEach(
      (subnet, index) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-public-rta-${index + 1}`,
          { subnetId: subnet.id, routeTableId: publicRoutes.id },
          parent,
        ),
    );

    // Private subnets reach the internet (ECR, Secrets Manager, package mirrors) only through NAT.
    const natIndexes = args.natGatewayPerAz ? indexes : [0];
    const natGateways = natIndexes.map((index) => {
      const address = new aws.ec2.Eip(
        `${name}-nat-eip-${index + 1}`,
        { domain: 'vpc', tags: named(tags, `${name}-nat-${index + 1}`) },
        parent,
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${index + 1}`,
        {
          allocationId: address.id,
          subnetId: publicSubnets[index]!.id,
          tags: named(tags, `${name}-nat-${index + 1}`),
        },
        { parent: this, dependsOn: [internetGateway] },
      );
    });
    const privateRouteTables = privateSubnets.map((subnet, index) => {
      const natGateway = natGateways[args.natGatewayPerAz ? index : 0]!;
      const routes = new aws.ec2.RouteTable(
        `${name}-private-rt-${index + 1}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: natGateway.id }],
          tags: named(tags, `${name}-private-${index + 1}`),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-rta-${index + 1}`,
        { subnetId: subnet.id, routeTableId: routes.id },
        parent,
      );
      return routes;
    });

    // ECR serves image layers from S3: a gateway endpoint (free) keeps those pulls off the NAT gateways,
    // which charge per GB processed. Interface endpoints for the other APIs cost more than they save here
    // (docs/deploying.md, "What a stack costs").
    const region = aws.getRegionOutput({}, parent).region;
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: privateRouteTables.map((routes) => routes.id),
        tags: named(tags, `${name}-s3`),
      },
      parent,
    );

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
