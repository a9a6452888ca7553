import assert from 'node:assert/strict';
import { chooseDeployment } from '../src/image-choice';
import { checkNetworkPlace } from '../src/last-deploy';
import { runProgram } from './support/program';

const running = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.2.3';
const next = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.2.4';

describe('which image a deploy runs', () => {
  it('runs the configured image when one is set', () => {
    assert.deepEqual(chooseDeployment({ configured: next, running, foundationOnly: false }), {
      foundationOnly: false,
      image: next,
    });
  });

  it('keeps the running image when none is configured', () => {
    assert.deepEqual(chooseDeployment({ running, foundationOnly: false }), {
      foundationOnly: false,
      image: running,
    });
  });

  it('stops, naming both fixes, when no image is configured and none runs', () => {
    assert.throws(() => chooseDeployment({ foundationOnly: false }), {
      message: /^polls:image is not set .*polls:image=.*polls:foundationOnly/,
    });
  });

  it('builds the foundation alone only when asked, and never over a running platform', () => {
    assert.deepEqual(chooseDeployment({ foundationOnly: true }), { foundationOnly: true });
    assert.throws(() => chooseDeployment({ running, foundationOnly: true }), {
      message: /^polls:foundationOnly is true but the stack runs .*polls:foundationOnly/,
    });
    assert.throws(() => chooseDeployment({ configured: next, foundationOnly: true }), {
      message: /^polls:foundationOnly and polls:image are both set/,
    });
  });

  describe('in the program', () => {
    it('keeps the platform and the image of the last deploy when polls:image is unset', async () => {
      const run = await runProgram({
        stack: 'dev',
        config: { platform: 'ec2', image: null },
        previousOutputs: { image: running },
      });
      assert.equal(run.ofType('aws:autoscaling/group:Group').length, 1);
      assert.deepEqual(run.outputs.image, { value: running, secret: false });
      const template = run.one('aws:ec2/launchTemplate:LaunchTemplate').inputs;
      assert.ok(Buffer.from(String(template.userData), 'base64').toString().includes(running));
    });

    it('refuses to run without an image on a stack that never ran one', async () => {
      await assert.rejects(runProgram({ stack: 'dev', config: { platform: 'ec2', image: null } }), {
        message: /^polls:image is not set/,
      });
    });
  });
});

describe('the place of a deployed network', () => {
  const deployed = { azCount: 2, vpcCidr: '10.0.0.0/16', region: 'eu-west-1' };

  it('keeps its zones, address block and region once the stack is deployed', () => {
    for (const [key, change, message] of [
      [
        'azCount',
        { azCount: 3 },
        /^polls:azCount is 3 but the stack is deployed with 2: .*set polls:azCount back to 2$/,
      ],
      [
        'vpcCidr',
        { vpcCidr: '10.1.0.0/16' },
        /^polls:vpcCidr is 10\.1\.0\.0\/16 but the stack is deployed with 10\.0\.0\.0\/16/,
      ],
      [
        'region',
        { region: 'eu-central-1' },
        /^aws:region is eu-central-1 but the stack is deployed with eu-west-1: .*region/,
      ],
    ] as const) {
      assert.throws(() => checkNetworkPlace({ ...deployed, ...change }, deployed), { message }, key);
    }
    assert.doesNotThrow(() => checkNetworkPlace(deployed, deployed));
  });

  it('is free on the first deploy', () => {
    assert.doesNotThrow(() => checkNetworkPlace({ ...deployed, azCount: 3, region: 'us-east-1' }, {}));
  });
});
