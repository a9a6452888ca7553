import assert from 'node:assert/strict';
import { chooseMachineImage } from '../src/ec2/machine-image';
import { keepsAddonVersions } from '../src/eks/addon-versions';

describe('what a deploy keeps running', () => {
  describe('the ec2 instances’ AMI', () => {
    const running = { id: 'ami-0aaaaaaaaaaaaaaaa', architecture: 'x86_64' } as const;

    it('keeps the running AMI when polls:machineImage is unset', () => {
      assert.deepEqual(chooseMachineImage(undefined, running, 'x86_64'), { id: running.id });
    });

    it('takes the newest on the first deploy, or when the instance type changed architecture', () => {
      assert.deepEqual(chooseMachineImage(undefined, undefined, 'x86_64'), { newest: 'x86_64' });
      assert.deepEqual(chooseMachineImage(undefined, running, 'arm64'), { newest: 'arm64' });
    });

    it('moves only when asked: `latest`, or a named AMI', () => {
      assert.deepEqual(chooseMachineImage('latest', running, 'x86_64'), { newest: 'x86_64' });
      assert.deepEqual(chooseMachineImage('ami-0bbbbbbbbbbbbbbbb', running, 'x86_64'), {
        id: 'ami-0bbbbbbbbbbbbbbbb',
      });
    });
  });

  describe('the EKS add-on versions', () => {
    const running = { kubernetesVersion: '1.36', versions: { 'vpc-cni': 'v1.0.0-eksbuild.1' } };

    it('are kept while the Kubernetes version stays', () => {
      assert.equal(keepsAddonVersions(running, '1.36', false), true);
    });

    it('take EKS’s defaults on the first deploy, after a Kubernetes upgrade, or when asked', () => {
      assert.equal(keepsAddonVersions(undefined, '1.36', false), false);
      assert.equal(keepsAddonVersions(running, '1.37', false), false);
      assert.equal(keepsAddonVersions(running, '1.36', true), false);
    });
  });
});
