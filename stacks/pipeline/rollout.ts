// After `pulumi up`, the pipeline waits until the new release really serves: on ec2 the Auto Scaling group's
// instance refresh (which `pulumi up` only starts), on eks the Deployment's rollout. The decisions live here,
// where the tests cover them; rollout-cli.ts only runs the commands.

import type { Rollout } from '../src/platform';

/** An instance refresh as `aws autoscaling describe-instance-refreshes` reports it. */
export interface InstanceRefresh {
  InstanceRefreshId: string;
  Status: string;
  StartTime: string;
  StatusReason?: string;
}

export type Verdict = { done: true } | { done: false } | { failed: string };

const settled = new Set(['Successful']);
// A refresh that rolled back restored the old launch template: the new release is not running.
const failedStatuses = new Set(['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed']);

/**
 * Whether the refresh this deploy started has finished: only refreshes started at or after `since` count
 * (an older one belongs to an earlier deploy). None at all means the deploy changed no instance.
 */
export function refreshVerdict(refreshes: InstanceRefresh[], since: Date): Verdict {
  const ours = refreshes
    .filter((refresh) => Date.parse(refresh.StartTime) >= since.getTime())
    .sort((a, b) => Date.parse(b.StartTime) - Date.parse(a.StartTime))[0];
  if (!ours || settled.has(ours.Status)) return { done: true };
  if (failedStatuses.has(ours.Status)) {
    return {
      failed: `instance refresh ${ours.InstanceRefreshId} ended ${ours.Status}${ours.StatusReason ? `: ${ours.StatusReason}` : ''}`,
    };
  }
  return { done: false };
}

/** The commands the waiting runs, as argument lists (no shell). */
export function describeRefreshesCommand(rollout: Extract<Rollout, { kind: 'instance-refresh' }>): string[] {
  return [
    'aws',
    'autoscaling',
    'describe-instance-refreshes',
    '--auto-scaling-group-name',
    rollout.autoScalingGroupName,
    '--max-records',
    '5',
    '--output',
    'json',
  ];
}

export function rolloutStatusCommand(
  rollout: Extract<Rollout, { kind: 'deployment' }>,
  kubeconfigFile: string,
  timeoutMinutes: number,
): string[] {
  return [
    'kubectl',
    '--kubeconfig',
    kubeconfigFile,
    '--namespace',
    rollout.namespace,
    'rollout',
    'status',
    `deployment/${rollout.deployment}`,
    `--timeout=${timeoutMinutes}m`,
  ];
}

export interface WaitTools {
  /** Runs a command, returns its standard output; throws when it exits non-zero. */
  run(command: string[]): string;
  sleep(seconds: number): Promise<void>;
  log(line: string): void;
}

export const pollSeconds = 30;
/** The ASG refresh: warm-up, health checks and draining of every instance, with the group at its largest. */
export const timeoutMinutes = 45;

/** A refresh that did not succeed; `stillRunning` when the wait gave up on it. */
export class RefreshFailed extends Error {
  constructor(
    message: string,
    readonly stillRunning: boolean,
  ) {
    super(message);
  }
}

/** Waits for the instance refresh to settle; throws RefreshFailed with the refresh's own reason or the timeout. */
export async function waitForInstanceRefresh(
  rollout: Extract<Rollout, { kind: 'instance-refresh' }>,
  since: Date,
  tools: WaitTools,
): Promise<void> {
  for (let waited = 0; waited <= timeoutMinutes * 60; waited += pollSeconds) {
    const answer = JSON.parse(tools.run(describeRefreshesCommand(rollout))) as {
      InstanceRefreshes?: InstanceRefresh[];
    };
    const verdict = refreshVerdict(answer.InstanceRefreshes ?? [], since);
    if ('failed' in verdict) throw new RefreshFailed(verdict.failed, false);
    if (verdict.done) return;
    tools.log(`instance refresh of ${rollout.autoScalingGroupName} still running`);
    await tools.sleep(pollSeconds);
  }
  throw new RefreshFailed(
    `instance refresh of ${rollout.autoScalingGroupName} not finished after ${timeoutMinutes} minutes`,
    true,
  );
}

/** `pulumi up` of the stack with another image: what a rollback runs. */
export function redeployCommand(stack: string, image: string): string[] {
  return ['pulumi', 'up', '--yes', '--non-interactive', '--stack', stack, '--config', `polls:image=${image}`];
}

export function cancelRefreshCommand(rollout: Extract<Rollout, { kind: 'instance-refresh' }>): string[] {
  return [
    'aws',
    'autoscaling',
    'cancel-instance-refresh',
    '--auto-scaling-group-name',
    rollout.autoScalingGroupName,
  ];
}

/** What a rollback needs: the stack, the image it ran before this deploy, and the clock. */
export interface RollbackPlan {
  stack: string;
  /** The stack's `image` output before this deploy; undefined on its first image (nothing to go back to). */
  previousImage?: string;
  now(): Date;
}

/**
 * Waits for the ec2 instance refresh and, when it fails, deploys the image that ran before. AWS's own rollback
 * cannot do it: the provider moves the group to the new launch-template version before it starts the refresh,
 * so the "previous configuration" a rollback returns to is the new one (terraform-provider-aws #34189; see
 * ec2/platform.ts). The redeploy gives the template a version with the previous image, moves the group to it,
 * refreshes the instances again and sets the stack's `image` output back. The build still fails, naming both.
 */
export async function waitOrRollBack(
  rollout: Extract<Rollout, { kind: 'instance-refresh' }>,
  since: Date,
  plan: RollbackPlan,
  tools: WaitTools,
): Promise<void> {
  try {
    await waitForInstanceRefresh(rollout, since, tools);
    return;
  } catch (error) {
    if (!(error instanceof RefreshFailed) || plan.previousImage === undefined) throw error;
    // A group runs one refresh at a time: the one still running must stop before the redeploy starts another.
    if (error.stillRunning) tools.run(cancelRefreshCommand(rollout));
    tools.log(`${error.message}; deploying the previous image ${plan.previousImage}`);
    const redeployed = plan.now();
    tools.log(tools.run(redeployCommand(plan.stack, plan.previousImage)));
    await waitForInstanceRefresh(rollout, redeployed, tools);
    throw new Error(`${error.message}; rolled back to ${plan.previousImage}`);
  }
}

/**
 * Waits for the platform's rollout. On eks `pulumi up` already waited for the Deployment; `kubectl rollout
 * status` confirms it from the cluster's side before the smoke check.
 */
export async function waitForRollout(
  rollout: Rollout,
  since: Date,
  kubeconfigFile: string,
  tools: WaitTools,
  rollback?: RollbackPlan,
): Promise<void> {
  if (rollout.kind === 'instance-refresh') {
    return rollback
      ? waitOrRollBack(rollout, since, rollback, tools)
      : waitForInstanceRefresh(rollout, since, tools);
  }
  tools.log(tools.run(rolloutStatusCommand(rollout, kubeconfigFile, timeoutMinutes)).trim());
}
