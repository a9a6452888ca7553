import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  checkKubernetesSupport,
  defaultKubernetesVersion,
  kubernetesReleases,
  supportWarning,
} from '../src/kubernetes-versions';
import { runEks } from './support/eks-stacks';
import type { ProgramRun } from './support/program';

/** The date the table was last read on. */
const tableDate = new Date('2026-12-08T00:00:00Z');

describe('Kubernetes versions', () => {
  it('defaults to the newest version EKS offers, which has the longest standard support left', () => {
    const newest = Object.entries(kubernetesReleases).sort(([a], [b]) =>
      a.localeCompare(b, 'en', { numeric: true }),
    );
    assert.equal(defaultKubernetesVersion, newest.at(-1)?.[0]);
    const ends = Object.values(kubernetesReleases).map((release) => release.standardSupportEnds);
    assert.equal(kubernetesReleases[defaultKubernetesVersion]?.standardSupportEnds, ends.sort().at(-1));
  });

  it('docs/eks.md shows the same table', () => {
    const docs = readFileSync(resolve(__dirname, '../../docs/eks.md'), 'utf8');
    const day = (date: string) =>
      new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
    // Rows with their cells trimmed, so Prettier's column padding does not count.
    const rows = docs.split('\n').map((line) => line.replace(/\s*\|\s*/g, '|'));
    for (const [version, release] of Object.entries(kubernetesReleases)) {
      const row = `|${version}|${day(release.standardSupportEnds)}|${day(release.extendedSupportEnds)}|`;
      assert.ok(rows.includes(row), row);
    }
  });

  it('accepts on the deploy date only versions with standard support left, unless extended support is paid for', () => {
    assert.doesNotThrow(() => checkKubernetesSupport('1.35', false, tableDate));
    assert.doesNotThrow(() => checkKubernetesSupport('1.36', false, tableDate));
    for (const version of ['1.33', '1.34']) {
      assert.throws(() => checkKubernetesSupport(version, false, tableDate), {
        message: new RegExp(
          `^polls:kubernetesVersion ${version.replace('.', '\\.')}: EKS standard support ended on .*polls:kubernetesExtendedSupport`,
        ),
      });
      assert.doesNotThrow(() => checkKubernetesSupport(version, true, tableDate));
    }
    assert.throws(() => checkKubernetesSupport('1.33', true, new Date('2027-07-29T00:00:00Z')), {
      message: /EKS extended support ended on 2027-07-29; raise polls:kubernetesVersion/,
    });
  });

  it('warns from 60 days before the end of the support the stack pays for, naming the key to raise', () => {
    assert.equal(supportWarning('1.35', false, new Date('2027-01-25T00:00:00Z')), undefined);
    assert.match(
      supportWarning('1.35', false, new Date('2027-01-27T00:00:00Z')) ?? '',
      /^EKS standard support for Kubernetes 1\.35 ends on 2027-03-27, in 59 day\(s\).*kubernetesVersion/,
    );
    assert.equal(supportWarning('1.36', false, tableDate), undefined);
    assert.match(supportWarning('1.34', true, new Date('2027-11-01T00:00:00Z')) ?? '', /extended support/);
  });

  it('refuses an expired version before anything is registered, and pays for extended support when asked', async () => {
    await assert.rejects(runEks('prod', { kubernetesVersion: '1.34' }), {
      message: /^polls:kubernetesVersion 1\.34: EKS standard support ended on 2026-12-02/,
    });
    const run = await runEks('prod', { kubernetesVersion: '1.34', kubernetesExtendedSupport: 'true' });
    assert.deepEqual(run.one('aws:eks/cluster:Cluster').inputs.upgradePolicy, { supportType: 'EXTENDED' });
  });

  describe('raising the version of a running cluster', () => {
    let older: ProgramRun;
    let newer: ProgramRun;
    const inputs = (run: ProgramRun, type: string) => run.one(type).inputs;
    before(async () => {
      older = await runEks('prod', { kubernetesVersion: '1.35' });
      newer = await runEks('prod', { kubernetesVersion: '1.36' });
    });

    it('upgrades the control plane, add-ons and nodes to the new version', () => {
      assert.equal(inputs(older, 'aws:eks/cluster:Cluster').version, '1.35');
      assert.equal(inputs(newer, 'aws:eks/cluster:Cluster').version, '1.36');
      assert.equal(inputs(newer, 'aws:eks/nodeGroup:NodeGroup').version, '1.36');
      for (const addon of newer.ofType('aws:eks/addon:Addon')) {
        assert.match(String(addon.inputs.addonVersion), /-for-1\.36$/, addon.name);
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
