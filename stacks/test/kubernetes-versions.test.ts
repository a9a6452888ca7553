import assert from 'node:assert/strict';
import { defaultKubernetesVersion, standardSupportEnds, supportWarning } from '../src/kubernetes-versions';
import { runEks } from './support/eks-stacks';
import type { ProgramRun } from './support/program';

/** The date the default was chosen on. */
const choiceDate = new Date('2026-12-01T00:00:00Z');

describe('Kubernetes versions', () => {
  it('defaults to the version with the longest standard support left', () => {
    const latest = Object.entries(standardSupportEnds).sort(([, a], [, b]) => b.localeCompare(a))[0];
    assert.equal(defaultKubernetesVersion, latest?.[0]);
    assert.equal(supportWarning(defaultKubernetesVersion, choiceDate), undefined);
  });

  it('warns from 60 days before the end of standard support, naming the key to raise', () => {
    assert.equal(supportWarning('1.35', new Date('2027-01-25T00:00:00Z')), undefined);
    assert.match(
      supportWarning('1.35', new Date('2027-01-27T00:00:00Z')) ?? '',
      /ends on 2027-03-27, in 59 day\(s\).*kubernetesVersion/,
    );
    assert.match(
      supportWarning('1.34', choiceDate) ?? '',
      /^EKS standard support for Kubernetes 1\.34 ends on 2026-12-02, in 1 day/,
    );
    assert.match(supportWarning('1.33', choiceDate) ?? '', /ended on 2026-07-29/);
  });

  describe('raising the version of a running cluster', () => {
    let older: ProgramRun;
    let newer: ProgramRun;
    const inputs = (run: ProgramRun, type: string) => run.one(type).inputs;
    before(async () => {
      older = await runEks('prod', { kubernetesVersion: '1.34' });
      newer = await runEks('prod', { kubernetesVersion: '1.35' });
    });

    it('upgrades the control plane, add-ons and nodes to the new version', () => {
      assert.equal(inputs(older, 'aws:eks/cluster:Cluster').version, '1.34');
      assert.equal(inputs(newer, 'aws:eks/cluster:Cluster').version, '1.35');
      assert.equal(inputs(newer, 'aws:eks/nodeGroup:NodeGroup').version, '1.35');
      for (const addon of newer.ofType('aws:eks/addon:Addon')) {
        assert.match(String(addon.inputs.addonVersion), /-for-1\.35$/, addon.name);
      }
    });

    it('keeps every input that would replace the cluster or the node group', () => {
      for (const [type, keys] of [
        ['aws:eks/cluster:Cluster', ['name', 'roleArn', 'vpcConfig', 'encryptionConfig', 'accessConfig']],
        [
          'aws:eks/nodeGroup:NodeGroup',
          ['clusterName', 'nodeRoleArn', 'subnetIds', 'amiType', 'capacityType'],
        ],
      ] as const) {
        for (const key of keys) {
          assert.deepEqual(inputs(newer, type)[key], inputs(older, type)[key], `${type} ${key}`);
        }
      }
    });
  });
});
