import assert from 'node:assert/strict';
import { architectureOf } from '../src/architecture';
import { runEks } from './support/eks-stacks';
import { runProgram } from './support/program';

const testImage = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.2.3';

describe('instance architecture', () => {
  it('knows Graviton types as arm64 and the rest as x86_64', () => {
    assert.deepEqual(
      ['t4g.small', 'm7g.large', 'c7gn.xlarge', 't3.small', 'm7i.large', 'c6a.large'].map(architectureOf),
      ['arm64', 'arm64', 'arm64', 'x86_64', 'x86_64', 'x86_64'],
    );
  });

  it('accepts ec2 instances of another architecture once the image is built for it too', async () => {
    const run = await runProgram({
      stack: 'dev',
      config: {
        platform: 'ec2',
        image: testImage,
        instanceType: 't4g.small',
        imageArchitectures: ['x86_64', 'arm64'],
      },
    });
    const template = run.one('aws:ec2/launchTemplate:LaunchTemplate').inputs;
    assert.equal(template.instanceType, 't4g.small');
  });

  it('gives arm64 EKS nodes the arm64 Amazon Linux AMI type', async () => {
    const run = await runEks('prod', { nodeInstanceType: 'm7g.large', imageArchitectures: ['arm64'] });
    assert.equal(run.one('aws:eks/nodeGroup:NodeGroup').inputs.amiType, 'AL2023_ARM_64_STANDARD');
  });
});
