import assert from 'node:assert/strict';
import {
  pollSeconds,
  refreshVerdict,
  timeoutMinutes,
  waitForRollout,
  waitOrRollBack,
  type InstanceRefresh,
  type WaitTools,
} from '../pipeline/rollout';
import type { Rollout } from '../src/platform';
import { ec2Stack } from './support/ec2-stacks';
import { runEks } from './support/eks-stacks';

const since = new Date('2026-12-01T10:00:00Z');
const refresh = (Status: string, StartTime = '2026-12-01T10:05:00Z'): InstanceRefresh => ({
  InstanceRefreshId: `refresh-${Status}`,
  Status,
  StartTime,
  StatusReason: Status === 'Failed' ? '2 instances failed health checks' : undefined,
});

/** Tools that answer each command with the next canned output and record what ran. */
function scriptedTools(answers: string[]): WaitTools & { commands: string[][]; slept: number } {
  const tools = {
    commands: [] as string[][],
    slept: 0,
    run(command: string[]) {
      tools.commands.push(command);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no more answers');
      return answer;
    },
    sleep: async (seconds: number) => void (tools.slept += seconds),
    log: () => undefined,
  };
  return tools;
}

const asg: Rollout = { kind: 'instance-refresh', autoScalingGroupName: 'polls-asg-123' };
const refreshes = (...items: InstanceRefresh[]) => JSON.stringify({ InstanceRefreshes: items });

describe('waiting for a rollout', () => {
  it('judges only the refresh this deploy started', () => {
    assert.deepEqual(refreshVerdict([refresh('InProgress')], since), { done: false });
    assert.deepEqual(refreshVerdict([refresh('Successful')], since), { done: true });
    assert.deepEqual(refreshVerdict([refresh('Failed', '2026-12-01T09:00:00Z')], since), { done: true });
    assert.deepEqual(refreshVerdict([], since), { done: true });
  });

  for (const status of ['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed']) {
    it(`fails the build when the refresh ends ${status}`, () => {
      const verdict = refreshVerdict([refresh(status), refresh('Successful', '2026-12-01T09:00:00Z')], since);
      assert.ok('failed' in verdict && verdict.failed.includes(status));
    });
  }

  it('polls the instance refresh until it succeeds', async () => {
    const tools = scriptedTools([
      refreshes(refresh('Pending')),
      refreshes(refresh('InProgress')),
      refreshes(refresh('Successful')),
    ]);
    await waitForRollout(asg, since, '/unused', tools);
    assert.equal(tools.commands.length, 3);
    assert.equal(tools.slept, 2 * pollSeconds);
    assert.deepEqual(tools.commands[0]?.slice(0, 5), [
      'aws',
      'autoscaling',
      'describe-instance-refreshes',
      '--auto-scaling-group-name',
      'polls-asg-123',
    ]);
  });

  it('fails with the refresh reason, and gives up after the timeout', async () => {
    await assert.rejects(
      waitForRollout(asg, since, '/unused', scriptedTools([refreshes(refresh('Failed'))])),
      {
        message: /ended Failed: 2 instances failed health checks/,
      },
    );
    const forever = Array.from({ length: 200 }, () => refreshes(refresh('InProgress')));
    await assert.rejects(waitForRollout(asg, since, '/unused', scriptedTools(forever)), {
      message: new RegExp(`not finished after ${timeoutMinutes} minutes`),
    });
  });

  describe('a failed ec2 rollout', () => {
    const previousImage = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls:v1.0.0';
    const plan = { stack: 'dev', previousImage, now: () => new Date('2026-12-01T10:30:00Z') };
    const asgRollout = asg as Extract<Rollout, { kind: 'instance-refresh' }>;
    const redeploy = ['pulumi', 'up', '--yes', '--non-interactive', '--stack', 'dev'];

    it('deploys the previous image again, waits for that refresh, and still fails naming both', async () => {
      const tools = scriptedTools([
        refreshes(refresh('Failed')),
        'Update succeeded',
        refreshes(refresh('Successful', '2026-12-01T10:31:00Z'), refresh('Failed')),
      ]);
      await assert.rejects(waitOrRollBack(asgRollout, since, plan, tools), {
        message: /ended Failed: 2 instances failed health checks; rolled back to .*polls:v1\.0\.0$/,
      });
      assert.deepEqual(tools.commands[1], [...redeploy, '--config', `polls:image=${previousImage}`]);
      assert.equal(tools.commands.length, 3);
    });

    it('cancels a refresh that is still running before it deploys again', async () => {
      const stuck = Array.from({ length: (timeoutMinutes * 60) / pollSeconds + 1 }, () =>
        refreshes(refresh('InProgress')),
      );
      const tools = scriptedTools([
        ...stuck,
        '{}',
        '',
        refreshes(refresh('Successful', '2026-12-01T10:31:00Z')),
      ]);
      await assert.rejects(waitOrRollBack(asgRollout, since, plan, tools), { message: /rolled back to/ });
      const cancel = tools.commands.findIndex((command) => command[2] === 'cancel-instance-refresh');
      const up = tools.commands.findIndex((command) => command[0] === 'pulumi');
      assert.ok(cancel > 0 && up === cancel + 1, `cancel at ${cancel}, pulumi up at ${up}`);
    });

    it('only fails when there is no previous image to go back to', async () => {
      const tools = scriptedTools([refreshes(refresh('Failed'))]);
      await assert.rejects(waitOrRollBack(asgRollout, since, { ...plan, previousImage: undefined }, tools), {
        message: /ended Failed: 2 instances failed health checks$/,
      });
      assert.equal(tools.commands.length, 1);
    });
  });

  it('asks kubectl for the Deployment rollout on eks', async () => {
    const tools = scriptedTools(['deployment "polls-web" successfully rolled out\n']);
    await waitForRollout(
      { kind: 'deployment', namespace: 'polls', deployment: 'polls-web' },
      since,
      '/tmp/k',
      tools,
    );
    assert.deepEqual(tools.commands, [
      [
        'kubectl',
        '--kubeconfig',
        '/tmp/k',
        '--namespace',
        'polls',
        'rollout',
        'status',
        'deployment/polls-web',
        `--timeout=${timeoutMinutes}m`,
      ],
    ]);
  });

  it('gets what to wait for from the stack outputs of either platform', async () => {
    assert.deepEqual((await ec2Stack('dev')).outputs.rollout?.value, {
      kind: 'instance-refresh',
      autoScalingGroupName: 'polls-asg',
    });
    assert.deepEqual((await runEks('prod')).outputs.rollout?.value, {
      kind: 'deployment',
      namespace: 'polls',
      deployment: 'polls-web',
    });
  });
});
