import assert from 'node:assert/strict';
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { policies } from '../src/policies/rules';
import { ec2Stack, testImage, testSite } from './support/ec2-stacks';
import { revealed } from './support/inputs';
import { runProgram, type ProgramRun } from './support/program';

const tags = { project: 'polls', stack: 'dev', platform: 'ec2' };

/** The fields of ResourceValidationArgs the rules read; the rest refuse to be used. */
function fakeArgs(type: string, props: Record<string, unknown>, name = 'subject'): ResourceValidationArgs {
  const unused = () => {
    throw new Error('the polls rules read only type and props');
  };
  return {
    type,
    props,
    name,
    urn: `urn:pulumi:dev::polls::${type}::${name}`,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: unused,
    asType: unused,
    getConfig: unused,
  } as unknown as ResourceValidationArgs;
}

async function violations(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>) {
  const found: string[] = [];
  const validations = [policy.validateResource ?? []].flat();
  for (const validate of validations) await validate(fakeArgs(type, props), (message) => found.push(message));
  return found;
}

function rule(name: string): ResourceValidationPolicy {
  const found = policies.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no policy ${name}`);
  return found;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** One resource each policy must reject. */
const badResources: Record<string, [string, Record<string, unknown>]> = {
  'database-not-public': [
    'aws:rds/instance:Instance',
    { publiclyAccessible: true, storageEncrypted: true, tags },
  ],
  'database-tls-required': [
    'aws:rds/parameterGroup:ParameterGroup',
    { family: 'postgres18', parameters: [{ name: 'rds.force_ssl', value: '0' }], tags },
  ],
  'storage-encrypted': [
    'aws:ec2/launchTemplate:LaunchTemplate',
    { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 20 } }], tags },
  ],
  'no-ssh-from-internet': [
    'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
    { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 20, toPort: 25, cidrIpv4: '0.0.0.0/0', tags },
  ],
  'imdsv2-required': [
    'aws:ec2/launchTemplate:LaunchTemplate',
    { metadataOptions: { httpTokens: 'optional' }, tags },
  ],
  'modern-tls': [
    'aws:lb/listener:Listener',
    { protocol: 'HTTPS', port: 443, sslPolicy: 'ELBSecurityPolicy-2016-08', tags },
  ],
  'cdn-https-only': [
    'aws:cloudfront/distribution:Distribution',
    {
      defaultCacheBehavior: { viewerProtocolPolicy: 'redirect-to-https' },
      orderedCacheBehaviors: [{ viewerProtocolPolicy: 'allow-all' }],
      viewerCertificate: { cloudfrontDefaultCertificate: true },
      tags,
    },
  ],
  'registry-immutable-scanned': [
    'aws:ecr/repository:Repository',
    { imageTagMutability: 'MUTABLE', imageScanningConfiguration: { scanOnPush: true }, tags },
  ],
  'no-credentials-in-user-data': [
    'aws:ec2/launchTemplate:LaunchTemplate',
    { userData: base64('#!/bin/bash\nexport DATABASE_URL=postgres://polls:hunter2@db:5432/polls\n'), tags },
  ],
  'required-tags': [
    'aws:ec2/vpc:Vpc',
    { cidrBlock: '10.0.0.0/16', tags: { project: 'polls', stack: 'dev' } },
  ],
};

describe('policies', () => {
  let runs: ProgramRun[];
  before(async () => {
    const behindCdn = await runProgram({
      stack: 'prod',
      config: { platform: 'ec2', image: testImage, cdn: true, ...testSite },
    });
    runs = [await ec2Stack('dev'), await ec2Stack('prod'), behindCdn];
  });

  it('has a bad-resource case for every policy', () => {
    assert.deepEqual(Object.keys(badResources).sort(), policies.map((policy) => policy.name).sort());
  });

  for (const policy of policies) {
    describe(policy.name, () => {
      it('passes every resource of the dev and prod ec2 stacks, and of prod behind the CDN', async () => {
        for (const run of runs) {
          for (const resource of run.resources) {
            const props = revealed(resource.inputs) as Record<string, unknown>;
            assert.deepEqual(
              await violations(policy, resource.type, props),
              [],
              `${resource.type} ${resource.name}`,
            );
          }
        }
      });

      it('rejects a bad resource', async () => {
        const [type, props] = badResources[policy.name]!;
        assert.equal((await violations(policy, type, props)).length, 1);
      });
    });
  }

  it('no-ssh-from-internet rejects an all-protocols rule and an inline ingress, but not SSH from inside the VPC', async () => {
    const ssh = rule('no-ssh-from-internet');
    const allTraffic = { securityGroupId: 'sg-1', ipProtocol: '-1', cidrIpv6: '::/0' };
    assert.equal(
      (await violations(ssh, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', allTraffic)).length,
      1,
    );
    const inline = { ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrBlocks: ['0.0.0.0/0'] }] };
    assert.equal((await violations(ssh, 'aws:ec2/securityGroup:SecurityGroup', inline)).length, 1);
    const internal = {
      securityGroupId: 'sg-1',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '10.0.0.0/16',
    };
    assert.deepEqual(
      await violations(ssh, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', internal),
      [],
    );
  });

  it('no-credentials-in-user-data accepts secrets read from variables at run time', async () => {
    const script = base64('#!/bin/bash\nDATABASE_URL=$(aws secretsmanager get-secret-value --secret-id x)\n');
    const found = await violations(
      rule('no-credentials-in-user-data'),
      'aws:ec2/launchTemplate:LaunchTemplate',
      {
        userData: script,
      },
    );
    assert.deepEqual(found, []);
  });

  it('cdn-https-only holds a certificate of ours to TLSv1.2_2021 or newer', async () => {
    const https = { viewerProtocolPolicy: 'redirect-to-https' };
    const distribution = (minimumProtocolVersion: string) => ({
      defaultCacheBehavior: https,
      viewerCertificate: {
        acmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x',
        minimumProtocolVersion,
      },
    });
    const type = 'aws:cloudfront/distribution:Distribution';
    assert.deepEqual(await violations(rule('cdn-https-only'), type, distribution('TLSv1.2_2021')), []);
    assert.equal((await violations(rule('cdn-https-only'), type, distribution('TLSv1.2_2019'))).length, 1);
  });

  it('required-tags reads an Auto Scaling group’s tag list and skips untaggable types', async () => {
    const tagList = Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: false }));
    const requireTags = rule('required-tags');
    assert.deepEqual(await violations(requireTags, 'aws:autoscaling/group:Group', { tags: tagList }), []);
    assert.equal(
      (await violations(requireTags, 'aws:autoscaling/group:Group', { tags: tagList.slice(1) })).length,
      1,
    );
    assert.deepEqual(await violations(requireTags, 'aws:ec2/route:Route', {}), []);
  });
});
