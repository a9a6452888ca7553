import assert from 'node:assert/strict';
import { ec2Stack } from './support/ec2-stacks';
import { runEks, site } from './support/eks-stacks';
import type { ProgramRun, RecordedResource } from './support/program';

const platformParent = { type: 'polls:eks:Platform', name: 'polls' };

function childComponentTypes(run: ProgramRun, parentType: string): string[] {
  return run.resources
    .filter((resource) => !resource.custom && resource.parent?.type === parentType)
    .map((resource) => resource.type)
    .sort();
}

function childrenOf(run: ProgramRun, componentType: string): RecordedResource[] {
  return run.resources.filter((resource) => resource.parent?.type === componentType);
}

describe('eks platform components', () => {
  let run: ProgramRun;
  before(async () => (run = await runEks('prod', site)));

  it('builds the platform from one component per tier, as the ec2 platform is', async () => {
    assert.deepEqual(childComponentTypes(run, 'polls:eks:Platform'), [
      'polls:eks:CertificateManager',
      'polls:eks:Cluster',
      'polls:eks:ClusterAddons',
      'polls:eks:ClusterAddons',
      'polls:eks:ClusterAdmins',
      'polls:eks:ContainerInsights',
      'polls:eks:IngressController',
      'polls:eks:NodeGroup',
      'polls:eks:ServiceWorkload',
    ]);
    const ec2 = await ec2Stack('dev');
    assert.deepEqual(childComponentTypes(ec2, 'polls:ec2:Platform'), [
      'polls:ec2:InstanceRole',
      'polls:ec2:InstanceSecurityGroup',
      'polls:ec2:LoadBalancer',
    ]);
  });

  it('keeps the platform, named like the ec2 one, in place under its former type', () => {
    assert.deepEqual(run.named('polls', 'polls:eks:Platform').formerTypes, ['polls:eks:EksPlatform']);
  });

  it('keeps the ec2 instances’ security group and rules, moved into their component, through aliases', async () => {
    const ec2 = await ec2Stack('dev');
    const children = childrenOf(ec2, 'polls:ec2:InstanceSecurityGroup');
    assert.deepEqual(children.map((child) => child.name).sort(), [
      'polls-db-from-instance',
      'polls-instance-from-lb',
      'polls-instance-sg',
      'polls-instance-to-db',
      'polls-instance-to-https',
      'polls-lb-to-instance',
    ]);
    for (const child of children) {
      assert.deepEqual(child.formerParents, [{ type: 'polls:ec2:Platform', name: 'polls' }], child.name);
    }
  });

  it('names every child of a component after it', () => {
    for (const type of ['polls:eks:Cluster', 'polls:eks:NodeGroup', 'polls:eks:CertificateManager']) {
      const children = childrenOf(run, type);
      assert.ok(children.length > 0, type);
      for (const child of children) assert.match(child.name, /^polls-/, `${type} child ${child.name}`);
    }
  });

  for (const [component, stateful] of [
    ['polls:eks:Cluster', 'aws:eks/cluster:Cluster'],
    ['polls:eks:NodeGroup', 'aws:eks/nodeGroup:NodeGroup'],
    ['polls:eks:IngressController', 'kubernetes:helm.sh/v3:Release'],
    ['polls:eks:CertificateManager', 'kubernetes:helm.sh/v3:Release'],
  ] as const) {
    it(`keeps what ${component} took over from the platform through aliases, so nothing is replaced`, () => {
      const children = childrenOf(run, component);
      assert.ok(
        children.some((child) => child.type === stateful),
        `${component} holds the ${stateful}`,
      );
      for (const child of children) {
        assert.deepEqual(child.formerParents, [platformParent], `${child.type} ${child.name}`);
      }
    });
  }

  it('keeps the add-ons, once named after the platform, through aliases to their former names', () => {
    const addons = run
      .ofType('aws:eks/addon:Addon')
      .filter((addon) => addon.parent?.type === 'polls:eks:ClusterAddons');
    assert.equal(addons.length, 5);
    for (const addon of addons) {
      assert.equal(addon.parent?.type, 'polls:eks:ClusterAddons');
      assert.deepEqual(addon.formerNames, [`polls-${String(addon.inputs.addonName)}`], addon.name);
    }
  });

  it('gives the resources that never moved no alias', () => {
    const workload = childrenOf(run, 'polls:eks:ServiceWorkload');
    assert.ok(workload.length > 0);
    assert.ok(workload.every((resource) => resource.formerParents.length === 0));
  });
});

describe('eks IAM ordering', () => {
  let run: ProgramRun;
  before(async () => (run = await runEks('prod', site)));

  for (const [what, type, rolePrefix] of [
    ['cluster', 'aws:eks/cluster:Cluster', 'polls-cluster-role-'],
    ['node group', 'aws:eks/nodeGroup:NodeGroup', 'polls-node-role-'],
  ] as const) {
    it(`creates the ${what} after its role's policy attachments and deletes it before them`, () => {
      const attachments = run
        .ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment')
        .filter((attachment) => attachment.name.startsWith(rolePrefix))
        .map((attachment) => attachment.name);
      assert.ok(attachments.length > 0, rolePrefix);
      const dependencies = run.one(type).dependencies;
      for (const attachment of attachments) assert.ok(dependencies.includes(attachment), attachment);
    });
  }

  it("installs cert-manager only once its role's Route 53 rights exist", () => {
    const release = run.named('polls-cert-manager', 'kubernetes:helm.sh/v3:Release');
    assert.ok(release.dependencies.includes('polls-cert-manager-route53'));
  });
});
