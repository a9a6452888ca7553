import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { configDefault, configKeys, loadStackConfig } from '../src/config';
import type { ConfigValue } from '../src/engine-config/values';
import { handToProgram, type StackName } from './support/program';

/** Loads the config as the program does, from what the engine hands it for a stack file and settings. */
function load(stack: StackName, set: Record<string, ConfigValue> = {}) {
  handToProgram(stack, set);
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
    const config = load('prod', { domain: 'polls.example.com', hostedZoneId: 'Z0123456789EXAMPLE' });
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
    assert.equal(config.kubernetesVersion, '1.36');
    assert.equal(config.image, undefined);
    assert.equal(config.domain, undefined);
  });

  it('reads list defaults as the engine hands them over: JSON text, so `[]` is an empty list', () => {
    handToProgram('dev');
    assert.equal(pulumi.runtime.allConfig()['polls:alertEmails'], '[]');
    const config = loadStackConfig();
    assert.deepEqual(config.alertEmails, []);
    assert.deepEqual(config.clusterAdmins, []);
    assert.deepEqual(config.imageArchitectures, ['x86_64']);
  });

  const admin = 'arn:aws:iam::123456789012:role/admin';
  /** Refused by the engine before the program starts: a missing key, a value not of its declared type. */
  const engineRefuses = (key: string, type: string) =>
    new RegExp(
      `^Stack 'dev' with configuration key '${key}' must be of type '${type.replace(/[<>]/g, '\\$&')}'$`,
    );
  const invalid: [string, Record<string, ConfigValue>, RegExp][] = [
    ['a missing platform', { platform: null }, /^Stack 'dev' is missing configuration value 'platform'$/],
    ['an unknown platform', { platform: 'ecs' }, /^polls:platform must be one of ec2, eks/],
    ['a single availability zone', { azCount: '1' }, /^polls:azCount must be between 2 and 6/],
    ['a fractional replica count', { minReplicas: '1.5' }, engineRefuses('minReplicas', 'integer')],
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
    ['a yes/no boolean', { dbMultiAz: 'yes' }, engineRefuses('dbMultiAz', 'boolean')],
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
      'a public-access list set as text rather than with --path',
      { clusterPublicAccessCidrs: '0.0.0.0/0' },
      engineRefuses('clusterPublicAccessCidrs', 'array<string>'),
    ],
    [
      'a Kubernetes version without a known end of support',
      { kubernetesVersion: '1.29' },
      /^polls:kubernetesVersion must be one of 1\.33, 1\.34, 1\.35, 1\.36/,
    ],
    [
      'a cluster admin that is not an IAM role or user ARN',
      { clusterAdmins: ['alice'] },
      /^polls:clusterAdmins must hold only IAM role or user ARNs/,
    ],
    [
      'an instance type of another architecture than the image',
      { instanceType: 't4g.small' },
      /^polls:instanceType t4g\.small runs arm64 but the image is built for x86_64 \(polls:imageArchitectures\)/,
    ],
    [
      'a node type of another architecture than the image',
      { platform: 'eks', clusterAdmins: [admin], nodeInstanceType: 'm7g.large' },
      /^polls:nodeInstanceType m7g\.large runs arm64/,
    ],
    ['a CDN switch that is not a boolean', { cdn: 'on' }, engineRefuses('cdn', 'boolean')],
    [
      'an origin secret generation below 1',
      { cdnOriginSecretGeneration: '0' },
      /^polls:cdnOriginSecretGeneration must be between 1 and 1000000/,
    ],
    ['a WAF without the CDN', { waf: 'true' }, /^polls:waf needs polls:cdn/],
    ['a misspelt key', { azcount: '3' }, /^unknown config polls:azcount/],
    [
      'an alert address that is not one',
      { alertEmails: ['oncall'] },
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
