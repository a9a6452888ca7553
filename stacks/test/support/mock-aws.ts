import { randomBytes } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';

/** Every generated secret (random passwords) starts with this, so tests can search for leaked values. */
export const mockSecretMarker = 'MOCK-SECRET';

export const mockAccountId = '123456789012';
export const mockRegion = 'eu-west-1';
export const mockAvailabilityZones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
export const mockAmiId = 'ami-0123456789abcdef0';

type State = Record<string, unknown>;

/** The ARN the mocks give a resource. */
export function mockArn(type: string, name: string): string {
  return `arn:aws:mock:${mockRegion}:${mockAccountId}:${type}/${name}`;
}

/** What AWS would compute for a resource, by type: the outputs the program reads back. */
const computedState: Record<string, (name: string, inputs: State) => State> = {
  'aws:ecr/repository:Repository': (name) => ({
    repositoryUrl: `${mockAccountId}.dkr.ecr.${mockRegion}.amazonaws.com/${name}`,
    registryId: mockAccountId,
  }),
  // RDS names the endpoint after the instance identifier.
  'aws:rds/instance:Instance': (name, inputs) => {
    const identifier = (inputs.identifier as string | undefined) ?? name;
    const address = `${identifier}.abcdefghijkl.${mockRegion}.rds.amazonaws.com`;
    const port = (inputs.port as number | undefined) ?? 5432;
    return { address, port, endpoint: `${address}:${port}`, identifier };
  },
  'aws:lb/loadBalancer:LoadBalancer': (name) => ({
    dnsName: `${name}-1234567890.${mockRegion}.elb.amazonaws.com`,
    zoneId: 'Z32O12XQLNTSW2',
    arnSuffix: `app/${name}/0123456789abcdef`,
  }),
  'aws:ec2/launchTemplate:LaunchTemplate': () => ({ latestVersion: 1 }),
  'aws:lb/targetGroup:TargetGroup': (name) => ({ arnSuffix: `targetgroup/${name}/0123456789abcdef` }),
  'aws:acm/certificate:Certificate': (_name, inputs) => ({
    domainValidationOptions: [
      {
        domainName: inputs.domainName,
        resourceRecordName: `_0123456789abcdef.${String(inputs.domainName)}.`,
        resourceRecordType: 'CNAME',
        resourceRecordValue: '_fedcba9876543210.acm-validations.aws.',
      },
    ],
  }),
  'aws:route53/record:Record': (_name, inputs) => ({ fqdn: inputs.name }),
  'aws:cloudfront/distribution:Distribution': (name) => ({
    domainName: `${name}.cloudfront.net`,
    hostedZoneId: 'Z2FDTNDATAQYW2',
  }),
  // Random bytes on each create, as the provider draws them; the next deploy keeps them (program.ts `previous`).
  'random:index/randomId:RandomId': (_name, inputs) => {
    const bytes = randomBytes(Number(inputs.byteLength));
    return {
      hex: bytes.toString('hex'),
      b64Std: bytes.toString('base64'),
      dec: BigInt(`0x${bytes.toString('hex')}`).toString(),
    };
  },
  'random:index/randomPassword:RandomPassword': (name) => ({
    result: `${mockSecretMarker}-${name}`,
    bcryptHash: `${mockSecretMarker}-bcrypt-${name}`,
  }),
  // Only `secretArn`: the deprecated `arn` keeps the generic mock ARN, so a program reading it fails the tests.
  'aws:secretsmanager/secretVersion:SecretVersion': (name) => ({
    secretArn: `arn:aws:secretsmanager:${mockRegion}:${mockAccountId}:secret:${name}-AbCdEf`,
  }),
  'aws:eks/cluster:Cluster': (name, inputs) => ({
    version: inputs.version,
    endpoint: `https://${name.toUpperCase()}.gr7.${mockRegion}.eks.amazonaws.com`,
    certificateAuthority: { data: Buffer.from(`${name}-ca`).toString('base64') },
    vpcConfig: { clusterSecurityGroupId: `sg-${name}-cluster` },
    identities: [{ oidcs: [{ issuer: `https://oidc.eks.${mockRegion}.amazonaws.com/id/${name}` }] }],
  }),
};

/** The outputs of any resource: its inputs, an id, an ARN and a name, then what its type computes. */
export function mockResourceState(args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
  const inputs = args.inputs as State;
  const state: State = {
    arn: mockArn(args.type, args.name),
    name: args.name,
    ...inputs,
    ...computedState[args.type]?.(args.name, inputs),
  };
  return { id: `${args.name}-id`, state };
}

/** Answers of the provider functions the program calls, by token. */
export const mockInvokes: Record<string, (inputs: State) => State> = {
  'aws:index/getAvailabilityZones:getAvailabilityZones': () => ({
    id: mockRegion,
    names: mockAvailabilityZones,
    zoneIds: mockAvailabilityZones.map((_, index) => `euw1-az${index + 1}`),
    groupNames: [mockRegion],
    region: mockRegion,
  }),
  'aws:index/getRegion:getRegion': () => ({
    id: mockRegion,
    name: mockRegion,
    region: mockRegion,
    description: 'Europe (Ireland)',
    endpoint: `ec2.${mockRegion}.amazonaws.com`,
  }),
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    id: mockAccountId,
    accountId: mockAccountId,
    arn: `arn:aws:iam::${mockAccountId}:user/test`,
    userId: 'AIDATEST',
  }),
  'aws:eks/getAddonVersion:getAddonVersion': (inputs) => ({
    id: String(inputs.addonName),
    addonName: inputs.addonName,
    kubernetesVersion: inputs.kubernetesVersion,
    version: `v-${String(inputs.addonName)}-for-${String(inputs.kubernetesVersion)}`,
  }),
  'aws:lb/getLoadBalancer:getLoadBalancer': (inputs) => ({
    id: `arn:aws:elasticloadbalancing:${mockRegion}:${mockAccountId}:loadbalancer/net/${String(inputs.name)}/0123456789abcdef`,
    name: inputs.name,
    arnSuffix: `net/${String(inputs.name)}/0123456789abcdef`,
    loadBalancerType: 'network',
  }),
  'aws:index/getPartition:getPartition': () => ({
    id: 'aws',
    partition: 'aws',
    dnsSuffix: 'amazonaws.com',
    reverseDnsPrefix: 'com.amazonaws',
  }),
  'aws:ec2/getManagedPrefixList:getManagedPrefixList': (inputs) => ({
    id: 'pl-4fa04526',
    name: inputs.name,
    maxEntries: 55,
    entries: [],
  }),
  'aws:ssm/getParameter:getParameter': (inputs) => ({
    id: inputs.name,
    name: inputs.name,
    arn: `arn:aws:ssm:${mockRegion}::parameter${String(inputs.name)}`,
    type: 'String',
    value: mockAmiId,
    insecureValue: mockAmiId,
    version: 1,
  }),
};
