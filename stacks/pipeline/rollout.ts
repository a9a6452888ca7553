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

/** Waits for the instance refresh to settle; throws with the refresh's own reason when it fails or times out. */
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
    if ('failed' in verdict) throw new Error(verdict.failed);
    if (verdict.done) return;
    tools.log(`instance refresh of ${rollout.autoScalingGroupName} still running`);
    await tools.sleep(pollSeconds);
  }
  throw new Error(
    `instance refresh of ${rollout.autoScalingGroupName} not finished after ${timeoutMinutes} minutes`,
  );
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
): Promise<void> {
  if (rollout.kind === 'instance-refresh') return waitForInstanceRefresh(rollout, since, tools);
  tools.log(tools.run(rolloutStatusCommand(rollout, kubeconfigFile, timeoutMinutes)).trim());
}
