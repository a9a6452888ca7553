import assert from 'node:assert/strict';
import { ec2Stack } from './support/ec2-stacks';
import type { ProgramRun } from './support/program';

describe('registry', () => {
  let run: ProgramRun;
  before(async () => (run = await ec2Stack('dev')));

  it('keeps tags immutable and scans every push', () => {
    const repository = run.one('aws:ecr/repository:Repository').inputs;
    assert.equal(repository.imageTagMutability, 'IMMUTABLE');
    assert.deepEqual(repository.imageScanningConfiguration, { scanOnPush: true });
  });

  it('expires untagged images and keeps a bounded number of releases', () => {
    const lifecycle = run.one('aws:ecr/lifecyclePolicy:LifecyclePolicy').inputs;
    assert.equal(lifecycle.repository, 'polls-repository');
    const rules = (
      JSON.parse(String(lifecycle.policy)) as { rules: { selection: Record<string, unknown> }[] }
    ).rules;
    assert.deepEqual(
      rules.map((rule) => [rule.selection.tagStatus, rule.selection.countType]),
      [
        ['untagged', 'sinceImagePushed'],
        ['any', 'imageCountMoreThan'],
      ],
    );
  });

  it('exports the repository URL the pipeline pushes to', async () => {
    assert.deepEqual(run.outputs.repositoryUrl, {
      value: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls-repository',
      secret: false,
    });
  });
});
