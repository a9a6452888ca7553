import { isDeepStrictEqual } from 'node:util';
import { decodedUserData, revealed } from '../support/inputs';
import type { ProgramRun } from '../support/program';

const templateType = 'aws:ec2/launchTemplate:LaunchTemplate';
const groupType = 'aws:autoscaling/group:Group';

/**
 * One Auto Scaling group and its launch template across deploys, as the provider and AWS handle them (mocks
 * keep every template at version 1, so this counts the versions instead):
 * - a template whose inputs change gets a new version, the default one with `updateDefaultVersion`
 *   (terraform-provider-aws internal/service/ec2/ec2_launch_template.go: an update calls
 *   CreateLaunchTemplateVersion, then ModifyLaunchTemplate for the default);
 * - the group, which names the template's latest version, is moved to it with UpdateAutoScalingGroup and only
 *   then is the instance refresh started, towards that same version (internal/service/autoscaling/group.go,
 *   resourceGroupUpdate; terraform-provider-aws #34189);
 * - a refresh that fails with auto rollback returns the group to the configuration it had when the refresh
 *   started, which is the new one already; without auto rollback the group keeps the configuration it has
 *   (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html).
 */
export class LaunchTemplateGroup {
  /** Each template version's inputs, version 1 first. */
  private readonly versions: Array<Record<string, unknown>> = [];
  private groupVersion = 0;
  /** The group's version when the last refresh started (what a rollback returns to). */
  private refreshStartedOn = 0;
  private autoRollback = false;

  /** A `pulumi up` that left the stack as `run` registered it. */
  deploy(run: ProgramRun): void {
    const template = revealed(run.one(templateType).inputs) as Record<string, unknown>;
    if (!isDeepStrictEqual(this.versions.at(-1), template)) this.versions.push(template);
    const latest = this.versions.length;
    const group = run.one(groupType).inputs as {
      instanceRefresh: { preferences: { autoRollback?: boolean } };
    };
    this.autoRollback = group.instanceRefresh.preferences.autoRollback === true;
    if (this.groupVersion === latest) return;
    const created = this.groupVersion === 0;
    this.groupVersion = latest;
    // A new group launches its instances; an existing one is moved first, then refreshed.
    if (!created) this.refreshStartedOn = this.groupVersion;
  }

  /** The refresh the last deploy started failed (its new instances never became healthy). */
  failRefresh(): void {
    if (this.autoRollback) this.groupVersion = this.refreshStartedOn;
  }

  /** The image the group launches now (at its next scale-out or replacement). */
  get image(): string {
    const inputs = this.versions[this.groupVersion - 1];
    if (!inputs) throw new Error('the group has no launch template version yet');
    const match = /^IMAGE='([^']+)'$/m.exec(decodedUserData(inputs));
    if (!match) throw new Error('the launch template runs no image');
    return match[1]!;
  }
}
