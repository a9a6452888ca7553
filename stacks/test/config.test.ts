import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { configDefault, configKeys, loadStackConfig } from '../src/config';
import { readStackConfig, type StackName } from './support/program';

/** Loads the config the way the program does, from a stack file with `polls:` overrides. */
function load(stack: StackName, overrides: Record<string, string | null> = {}) {
  const config = readStackConfig(stack);
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete config[`polls:${key}`];
    else config[`polls:${key}`] = value;
  }
  pulumi.runtime.setAllConfig(config);
  return loadStackConfig();
}

interface ProjectFile {
  name: string;
  main: string;
  config: Record<string, { type: string; default?: unknown; description?: string }>;
}
const projectFile = parse(
  fs.readFileSync(path.resolve(__dirname, '../../Pulumi.yaml'), 'utf8'),
) as ProjectFile;

describe('stack config', () => {
  before(() =>
    pulumi.runtime.setMocks({ newResource: () => ({ id: '', state: {} }), call: () => ({}) }, 'polls'),
  );

  it('reads the dev stack file: ec2, one NAT gateway, a single-AZ database without protection', () => {
    const config = load('dev');
    assert.equal(config.platform, 'ec2');
    assert.equal(config.natGatewayPerAz, false);
    assert.equal(config.dbMultiAz, false);
    assert.equal(config.dbDeletionProtection, false);
    assert.equal(config.cdn, false);
  });

  it('reads the prod stack file: eks, a multi-AZ database with deletion protection and a final snapshot', () => {
    const config = load('prod');
    assert.equal(config.platform, 'eks');
    assert.equal(config.dbMultiAz, true);
    assert.equal(config.dbDeletionProtection, true);
    assert.equal(config.dbFinalSnapshot, true);
    assert.ok(config.azCount >= 2);
    assert.equal(config.cdn, true, 'prod is behind the CDN');
    assert.equal(config.cdnOriginSecretGeneration, 1);
  });

  it('fills unset keys with their defaults', () => {
    const config = load('dev', { vpcCidr: null, kubernetesVersion: null });
    assert.equal(config.vpcCidr, '10.0.0.0/16');
    assert.equal(config.kubernetesVersion, '1.35');
    assert.equal(config.image, undefined);
    assert.equal(config.domain, undefined);
  });

  const invalid: [string, Record<string, string | null>, RegExp][] = [
    ['a missing platform', { platform: null }, /^polls:platform is required/],
    ['an unknown platform', { platform: 'ecs' }, /^polls:platform must be one of ec2, eks/],
    ['a single availability zone', { azCount: '1' }, /^polls:azCount must be between 2 and 6/],
    ['a fractional replica count', { minReplicas: '1.5' }, /^polls:minReplicas must be an integer/],
    [
      'maxReplicas below minReplicas',
      { minReplicas: '4', maxReplicas: '2' },
      /^polls:maxReplicas must be at least/,
    ],
    [
      'nodeMaxSize below nodeMinSize',
      { nodeMinSize: '5', nodeMaxSize: '3' },
      /^polls:nodeMaxSize must be at least/,
    ],
    ['a yes/no boolean', { dbMultiAz: 'yes' }, /^polls:dbMultiAz must be true or false/],
    ['a VPC block that is too small', { vpcCidr: '10.0.0.0/26' }, /^polls:vpcCidr must be an IPv4 CIDR/],
    [
      'an upper-case domain',
      { domain: 'Polls.Example.com' },
      /^polls:domain must be a lower-case DNS host name/,
    ],
    ['a domain without a hosted zone', { domain: 'polls.example.com' }, /^polls:hostedZoneId is required/],
    ['a retention CloudWatch refuses', { logRetentionDays: '10' }, /^polls:logRetentionDays must be one of/],
    ['an image with a space', { image: 'polls latest' }, /^polls:image must be a container image reference/],
    [
      'a public-access list that is not JSON',
      { clusterPublicAccessCidrs: '0.0.0.0/0' },
      /^polls:clusterPublicAccessCidrs/,
    ],
    [
      'a Kubernetes version without a known end of support',
      { kubernetesVersion: '1.29' },
      /^polls:kubernetesVersion must be one of 1\.33, 1\.34, 1\.35/,
    ],
    [
      'a cluster admin that is not an IAM role or user ARN',
      { clusterAdmins: '["alice"]' },
      /^polls:clusterAdmins must hold only IAM role or user ARNs/,
    ],
    [
      'an instance type of another architecture than the image',
      { instanceType: 't4g.small' },
      /^polls:instanceType t4g\.small runs arm64 but the image is built for x86_64 \(polls:imageArchitectures\)/,
    ],
    [
      'a node type of another architecture than the image',
      {
        platform: 'eks',
        clusterAdmins: '["arn:aws:iam::123456789012:role/admin"]',
        nodeInstanceType: 'm7g.large',
      },
      /^polls:nodeInstanceType m7g\.large runs arm64/,
    ],
    ['a CDN switch that is not a boolean', { cdn: 'on' }, /^polls:cdn must be true or false/],
    [
      'an origin secret generation below 1',
      { cdnOriginSecretGeneration: '0' },
      /^polls:cdnOriginSecretGeneration must be between 1 and 1000000/,
    ],
    ['a WAF without the CDN', { waf: 'true' }, /^polls:waf needs polls:cdn/],
    ['a misspelt key', { azcount: '3' }, /^unknown config polls:azcount/],
    [
      'an alert address that is not one',
      { alertEmails: '["oncall"]' },
      /^polls:alertEmails must hold only e-mail/,
    ],
    [
      'an error rate above 100%',
      { alarmErrorRatePercent: '150' },
      /^polls:alarmErrorRatePercent must be between 1/,
    ],
    [
      'a database class whose memory the alarms cannot know',
      { dbInstanceClass: 'db.x2g.large' },
      /^polls:dbInstanceClass db\.x2g\.large has no memory size/,
    ],
  ];
  for (const [what, overrides, message] of invalid) {
    it(`rejects ${what}, naming the key`, () => {
      assert.throws(() => load('dev', overrides), { message });
    });
  }

  it('Pulumi.yaml declares every key the program reads, with the same default and a description', () => {
    assert.deepEqual(Object.keys(projectFile.config).sort(), [...configKeys].sort());
    for (const key of configKeys) {
      const declared = projectFile.config[key]!;
      assert.ok(declared.description, `${key} has no description`);
      const expected = configDefault(key);
      assert.deepEqual(declared.default === '' ? undefined : declared.default, expected, `default of ${key}`);
    }
  });

  it('Pulumi.yaml runs the program in stacks/ as project polls', () => {
    assert.equal(projectFile.name, 'polls');
    assert.equal(projectFile.main, 'stacks/');
  });
});
