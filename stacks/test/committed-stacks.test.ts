import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigValue } from '../src/engine-config/values';
import { deployerAddress, deployerRole, eksMocks } from './support/eks-stacks';
import { runProgram, type StackName } from './support/program';

/**
 * What docs/deploying.md ("Select a stack and set its config") says an operator must set on each committed
 * stack file, beyond the image the pipeline passes (`--config polls:image=…`) or the first deploy's
 * `polls:foundationOnly`. Nothing else is added: every other value comes from the stack file or Pulumi.yaml
 * through the engine's own merge (test/support/program.ts).
 */
const operatorValues: Record<StackName, Record<string, ConfigValue>> = {
  dev: {},
  prod: {
    clusterAdmins: [deployerRole],
    clusterPublicAccessCidrs: [deployerAddress],
    domain: 'polls.example.com',
    hostedZoneId: 'Z0123456789EXAMPLE',
  },
};
const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.0.0';

describe('the committed stack files, with only what the docs say an operator sets', () => {
  for (const stack of ['dev', 'prod'] as const) {
    const run = (config: Record<string, ConfigValue>) =>
      runProgram({ stack, config: { ...operatorValues[stack], ...config }, ...eksMocks });

    it(`${stack}: the first deploy builds the foundation (pulumi up --config polls:foundationOnly=true)`, async () => {
      const result = await run({ foundationOnly: 'true' });
      assert.ok(result.outputs.repositoryUrl, 'the registry to push the first image to');
      assert.equal(result.outputs.url, undefined);
    });

    it(`${stack}: a deploy of an image runs the platform and reports its address`, async () => {
      const result = await run({ image });
      assert.equal(result.outputs.image?.value, image);
      assert.match(String(result.outputs.url?.value), /^https?:\/\//);
    });
  }

  it('prod without its operator values stops, naming the key and how to set it', async () => {
    await assert.rejects(runProgram({ stack: 'prod', config: { image }, ...eksMocks }), {
      message: /^polls:cdn needs polls:domain.*pulumi config set polls:domain/,
    });
    const { domain, hostedZoneId } = operatorValues.prod;
    await assert.rejects(
      runProgram({ stack: 'prod', config: { image, domain, hostedZoneId }, ...eksMocks }),
      {
        message:
          /^polls:clusterAdmins is required on eks.*pulumi config set --path 'polls:clusterAdmins\[0\]'/,
      },
    );
  });

  it('docs/deploying.md tells the operator to set each of them', () => {
    const docs = readFileSync(resolve(__dirname, '../../docs/deploying.md'), 'utf8');
    for (const key of Object.values(operatorValues).flatMap(Object.keys)) {
      assert.match(docs, new RegExp(`pulumi config set (--path )?'?polls:${key}\\b`), key);
    }
  });
});
