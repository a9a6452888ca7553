import assert from 'node:assert/strict';
import { subnetCidr } from '../src/network';
import { ec2Stack } from './support/ec2-stacks';
import { mockAvailabilityZones } from './support/mock-aws';
import type { ProgramRun, RecordedResource } from './support/program';

function subnets(run: ProgramRun, tier: 'public' | 'private'): RecordedResource[] {
  return run.ofType('aws:ec2/subnet:Subnet').filter((subnet) => subnet.name.includes(`-${tier}-`));
}

function defaultRoute(table: RecordedResource): Record<string, unknown> | undefined {
  const routes = table.inputs.routes as Record<string, unknown>[];
  return routes.find((route) => route.cidrBlock === '0.0.0.0/0');
}

describe('network', () => {
  describe('subnetCidr', () => {
    it('carves consecutive blocks of the requested size', () => {
      assert.equal(subnetCidr('10.0.0.0/16', 4, 0), '10.0.0.0/20');
      assert.equal(subnetCidr('10.0.0.0/16', 4, 1), '10.0.16.0/20');
      assert.equal(subnetCidr('10.0.0.0/16', 4, 9), '10.0.144.0/20');
      assert.equal(subnetCidr('172.16.8.0/22', 4, 15), '172.16.11.192/26');
    });

    it('refuses a block outside the range', () => {
      assert.throws(() => subnetCidr('10.0.0.0/16', 4, 16), /has no subnet 16/);
      assert.throws(() => subnetCidr('10.0.0.0/26', 4, 0), /has no subnet 0 of \/30/);
    });
  });

  for (const [stack, azCount] of [
    ['dev', 2],
    ['prod', 3],
  ] as const) {
    describe(`${stack} (${azCount} zones)`, () => {
      let run: ProgramRun;
      before(async () => (run = await ec2Stack(stack)));

      it('has a public and a private subnet in each zone, none handing out public addresses', () => {
        for (const tier of ['public', 'private'] as const) {
          const tierSubnets = subnets(run, tier);
          assert.equal(tierSubnets.length, azCount);
          const zones = tierSubnets.map((subnet) => subnet.inputs.availabilityZone);
          assert.deepEqual(zones, mockAvailabilityZones.slice(0, azCount));
          assert.ok(tierSubnets.every((subnet) => subnet.inputs.mapPublicIpOnLaunch === false));
        }
      });

      it('gives every subnet its own block inside the VPC block', () => {
        const blocks = run.ofType('aws:ec2/subnet:Subnet').map((subnet) => String(subnet.inputs.cidrBlock));
        assert.equal(new Set(blocks).size, blocks.length);
        assert.ok(blocks.every((block) => block.startsWith('10.0.') && block.endsWith('/20')));
        assert.equal(run.one('aws:ec2/vpc:Vpc').inputs.cidrBlock, '10.0.0.0/16');
      });

      it('routes the public subnets through the internet gateway', () => {
        const table = run.named('polls-public-rt', 'aws:ec2/routeTable:RouteTable');
        assert.equal(defaultRoute(table)?.gatewayId, 'polls-igw-id');
        const associated = run
          .ofType('aws:ec2/routeTableAssociation:RouteTableAssociation')
          .filter((association) => association.inputs.routeTableId === 'polls-public-rt-id')
          .map((association) => association.inputs.subnetId);
        assert.deepEqual(
          associated,
          subnets(run, 'public').map((subnet) => `${subnet.name}-id`),
        );
      });

      it('routes the private subnets only through NAT, never the internet gateway', () => {
        const tables = run
          .ofType('aws:ec2/routeTable:RouteTable')
          .filter((table) => table.name.startsWith('polls-private-rt-'));
        assert.equal(tables.length, azCount);
        for (const table of tables) {
          assert.match(String(defaultRoute(table)?.natGatewayId), /^polls-nat-\d-id$/);
          assert.equal(defaultRoute(table)?.gatewayId, undefined);
        }
      });

      it('sends S3 traffic (ECR image layers) of the private subnets through a gateway endpoint, not NAT', () => {
        const endpoint = run.one('aws:ec2/vpcEndpoint:VpcEndpoint').inputs;
        assert.equal(endpoint.vpcEndpointType, 'Gateway');
        assert.equal(endpoint.serviceName, 'com.amazonaws.eu-west-1.s3');
        const privateTables = run
          .ofType('aws:ec2/routeTable:RouteTable')
          .filter((table) => table.name.includes('-private-'))
          .map((table) => `${table.name}-id`);
        assert.equal(privateTables.length, azCount);
        assert.deepEqual(endpoint.routeTableIds, privateTables);
      });

      it('strips the default security group of its rules', () => {
        const defaultGroup = run.one('aws:ec2/defaultSecurityGroup:DefaultSecurityGroup');
        assert.equal(defaultGroup.inputs.ingress, undefined);
        assert.equal(defaultGroup.inputs.egress, undefined);
      });
    });
  }

  it('dev shares one NAT gateway; prod has one per zone, each in its own public subnet', async () => {
    const dev = await ec2Stack('dev');
    assert.equal(dev.ofType('aws:ec2/natGateway:NatGateway').length, 1);
    const prod = await ec2Stack('prod');
    const gateways = prod.ofType('aws:ec2/natGateway:NatGateway');
    assert.equal(gateways.length, 3);
    assert.deepEqual(
      gateways.map((gateway) => gateway.inputs.subnetId),
      ['polls-public-1-id', 'polls-public-2-id', 'polls-public-3-id'],
    );
    const privateTables = prod
      .ofType('aws:ec2/routeTable:RouteTable')
      .filter((table) => table.name.includes('private'));
    assert.deepEqual(
      privateTables.map((table) => defaultRoute(table)?.natGatewayId),
      ['polls-nat-1-id', 'polls-nat-2-id', 'polls-nat-3-id'],
    );
  });
});
