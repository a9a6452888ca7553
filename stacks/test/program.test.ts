import assert from 'node:assert/strict';
import { untaggableTypes } from '../src/policies/rules';
import { ec2Stack } from './support/ec2-stacks';
import { mockInvokes } from './support/mock-aws';
import { runProgram, type ProgramRun } from './support/program';

describe('program', () => {
  describe('first deploy, before any image exists, asked for explicitly', () => {
    let run: ProgramRun;
    before(
      async () =>
        (run = await runProgram({
          stack: 'dev',
          config: { platform: 'ec2', image: null, foundationOnly: true },
        })),
    );

    it('builds the network, registry, database and secrets but no platform', () => {
      const components = run.resources
        .filter((resource) => !resource.custom)
        .map((resource) => resource.type);
      assert.deepEqual(components.sort(), [
        'polls:database:Database',
        'polls:network:Network',
        'polls:registry:Registry',
        'polls:secrets:AppSecrets',
      ]);
      assert.equal(run.withTypePrefix('aws:autoscaling/').length, 0);
    });

    it('outputs the repository to push the first image to, and no URL yet', () => {
      assert.deepEqual(Object.keys(run.outputs).sort(), [
        'azCount',
        'dbEndpoint',
        'platform',
        'region',
        'repositoryUrl',
        'vpcCidr',
      ]);
    });
  });

  for (const stack of ['dev', 'prod'] as const) {
    it(`parents every resource of the ${stack} ec2 stack to its tier, named after it`, async () => {
      const run = await ec2Stack(stack);
      for (const resource of run.resources) {
        const { parent } = resource;
        if (!parent) {
          assert.ok(!resource.custom, `${resource.type} ${resource.name} has no tier`);
          continue;
        }
        // A component inside a tier may share the tier's name (its type tells them apart), as the eks ones do.
        const sharesName = !resource.custom && resource.name === parent.name;
        assert.ok(
          sharesName || resource.name.startsWith(`${parent.name}-`),
          `${resource.name} is not named after ${parent.name}`,
        );
      }
    });

    it(`tags every taggable resource of the ${stack} ec2 stack with project, stack and platform`, async () => {
      const run = await ec2Stack(stack);
      const expected = { project: 'polls', stack, platform: 'ec2' };
      const taggable = run.withTypePrefix('aws:').filter((resource) => !untaggableTypes.has(resource.type));
      assert.ok(taggable.length > 30);
      for (const resource of taggable) {
        const tags =
          resource.type === 'aws:autoscaling/group:Group'
            ? Object.fromEntries(
                (resource.inputs.tags as { key: string; value: string }[]).map((tag) => [tag.key, tag.value]),
              )
            : (resource.inputs.tags as Record<string, string> | undefined);
        assert.deepEqual({ ...expected, ...tags }, { ...tags }, `${resource.type} ${resource.name}`);
      }
    });
  }

  it('fails a run that calls an invoke the mocks do not answer, naming it', async () => {
    const token = 'aws:index/getRegion:getRegion';
    const answer = mockInvokes[token]!;
    delete mockInvokes[token];
    try {
      await assert.rejects(
        runProgram({ stack: 'dev', config: { platform: 'ec2', image: 'polls:test' } }),
        new RegExp(`unmocked invokes .*: ${token}$`),
      );
    } finally {
      mockInvokes[token] = answer;
    }
  });

  it('rejects an invalid config before creating anything', async () => {
    await assert.rejects(runProgram({ stack: 'dev', config: { azCount: 1 } }), { message: /^polls:azCount/ });
  });
});
