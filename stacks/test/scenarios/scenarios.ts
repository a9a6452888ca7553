import { testSite } from '../support/ec2-stacks';
import { deployerAddress, deployerRole, eksMocks, operatorRole } from '../support/eks-stacks';
import { ProgramRun, runProgram, type RunOptions, type StackName } from '../support/program';
import { waitOrRollBack, type InstanceRefresh } from '../../pipeline/rollout';
import { lostValidationRecords, refusedUpdate, reportedAfterUpdate } from './aws';
import { destroyRefusal, finalSnapshotsOf } from './destroy';
import { LaunchTemplateGroup } from './instance-refresh';
import { refusesViewers } from './viewers';
import { mockInvokes } from '../support/mock-aws';
import { planChanges, type PlannedChange } from './plan';

const repository = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/polls';
export const firstImage = `${repository}:v1.0.0`;
export const secondImage = `${repository}:v1.1.0`;

type Config = NonNullable<RunOptions['config']>;

/** One deploy of a scenario: config over the stack file, and invoke answers (who runs it). */
interface Deploy {
  config: Config;
  extraInvokes?: RunOptions['extraInvokes'];
}

/** Two successive deploys of one stack; `after` undefined is `pulumi destroy`. */
export interface Scenario {
  name: string;
  stack: StackName;
  /**
   * The deploy before `before`, whose outputs `before` reads as its stack's last deploy; by default `before`
   * itself: a stack that has run its config before, as a day-2 stack has.
   */
  earlier?: Deploy;
  before: Deploy;
  after?: Deploy;
  /** Then the same `pulumi up` once more: the result is what that second one changes. */
  again?: boolean;
  /**
   * ec2: the instance refresh `after` started fails, and the pipeline reacts as stacks/pipeline/rollout.ts
   * does: the result is what its rollback changes, and where the group and the outputs end.
   */
  refreshFails?: boolean;
  /** The stack was deployed the same way and destroyed once before `before` (a second destroy). */
  destroyedBefore?: boolean;
}

/** Where a rolled-back ec2 stack ends: the image its group launches and the one its `image` output names. */
export interface RolloutEnd {
  groupImage: string;
  outputImage: unknown;
}

/**
 * What `pulumi up` changes (a destroy: and the final snapshots every destroy of the stack left); or the
 * program's refusal, before anything changes; or AWS's, while it applies.
 */
export type ScenarioResult =
  | {
      changes: PlannedChange[];
      endsOn?: RolloutEnd;
      finalSnapshots?: string[];
      refusesViewers?: string;
      /** Validation records a remaining certificate renews with that the update deletes (aws.ts). */
      lostValidationRecords?: string[];
    }
  | { refused: string }
  | { failed: string };

const site = testSite;

/**
 * The dev stack on ec2 and the prod stack on eks, each running the first image; prod with the values its
 * file leaves to each account (the site's name among them: its CDN needs one).
 */
const base: Record<StackName, Config> = {
  dev: { platform: 'ec2', image: firstImage },
  prod: {
    platform: 'eks',
    image: firstImage,
    clusterAdmins: [deployerRole, operatorRole],
    clusterPublicAccessCidrs: [deployerAddress],
    ...site,
  },
};
const someoneElse = {
  'aws:index/getCallerIdentity:getCallerIdentity': () => ({
    id: '123456789012',
    accountId: '123456789012',
    arn: 'arn:aws:iam::123456789012:user/someone-else',
    userId: 'AIDASOMEONE',
  }),
};

/**
 * What AWS answers a month later: a newer Amazon Linux 2023 behind the public SSM parameter, and newer
 * default versions of every EKS add-on for the same Kubernetes version.
 */
const aMonthLater: NonNullable<Deploy['extraInvokes']> = {
  'aws:ssm/getParameter:getParameter': (inputs) => ({
    ...mockInvokes['aws:ssm/getParameter:getParameter']!(inputs),
    value: 'ami-0fedcba9876543210',
    insecureValue: 'ami-0fedcba9876543210',
  }),
  'aws:eks/getAddonVersion:getAddonVersion': (inputs) => {
    const now = mockInvokes['aws:eks/getAddonVersion:getAddonVersion']!(inputs);
    return { ...now, version: `${String(now.version)}-newer` };
  },
};

function scenariosOf(stack: StackName): Scenario[] {
  const running: Deploy = { config: base[stack] };
  const changed = (config: Config): Deploy => ({ config: { ...base[stack], ...config } });
  return [
    {
      name: 'first deploy: the foundation, then the first image',
      stack,
      before: changed({ image: null, foundationOnly: true }),
      after: running,
    },
    { name: 'a new image', stack, before: running, after: changed({ image: secondImage }) },
    { name: '`pulumi up` without polls:image', stack, before: running, after: changed({ image: null }) },
    {
      name: 'min/max replicas changed',
      stack,
      before: running,
      after: changed({ minReplicas: 4, maxReplicas: 8 }),
    },
    {
      name: 'database instance class changed',
      stack,
      before: running,
      after: changed({ dbInstanceClass: 'db.m7g.large' }),
    },
    {
      name: 'database instance class changed, then `pulumi up` again',
      stack,
      before: running,
      after: changed({ dbInstanceClass: 'db.m7g.large' }),
      again: true,
    },
    ...(stack === 'prod'
      ? [
          {
            name: 'Kubernetes version raised',
            stack,
            before: changed({ kubernetesVersion: '1.35' }),
            after: changed({ kubernetesVersion: '1.36' }),
          },
          { name: 'nodeMinSize raised', stack, before: running, after: changed({ nodeMinSize: 4 }) },
        ]
      : []),
    ...(stack === 'dev'
      ? [
          {
            name: 'a new image whose instances never become healthy, rolled back by the pipeline',
            stack,
            before: running,
            after: changed({ image: secondImage }),
            refreshFails: true,
          },
        ]
      : []),
    {
      name: 'domain added',
      stack,
      before: changed({ domain: null, hostedZoneId: null, cdn: false }),
      after: changed({ ...site, cdn: false }),
    },
    {
      name: 'CDN turned on (with a domain)',
      stack,
      before: changed({ ...site, cdn: false }),
      after: changed({ ...site, cdn: true }),
    },
    {
      name: 'CDN turned on, then the next `pulumi up`',
      stack,
      earlier: changed({ ...site, cdn: false }),
      before: changed({ ...site, cdn: true }),
      after: changed({ ...site, cdn: true }),
    },
    {
      name: 'CDN turned off (with a domain)',
      stack,
      before: changed({ ...site, cdn: true }),
      after: changed({ ...site, cdn: false }),
    },
    {
      name: 'CDN origin secret rotated',
      stack,
      before: changed({ ...site, cdn: true }),
      after: changed({ ...site, cdn: true, cdnOriginSecretGeneration: 2 }),
    },
    {
      name: 'a month later: a newer AMI and newer add-on defaults published',
      stack,
      before: running,
      after: { ...running, extraInvokes: aMonthLater },
    },
    stack === 'dev'
      ? {
          name: 'a month later, the newest AMI asked for (polls:machineImage=latest)',
          stack,
          before: running,
          after: { ...changed({ machineImage: 'latest' }), extraInvokes: aMonthLater },
        }
      : {
          name: 'a month later, the current add-on defaults asked for (polls:addonVersions=default)',
          stack,
          before: running,
          after: { ...changed({ addonVersions: 'default' }), extraInvokes: aMonthLater },
        },
    {
      name: 'someone else (or Jenkins) runs `pulumi up`',
      stack,
      before: running,
      after: { ...running, extraInvokes: someoneElse },
    },
    { name: 'azCount changed', stack, before: running, after: changed({ azCount: 4 }) },
    { name: 'VPC block changed', stack, before: running, after: changed({ vpcCidr: '10.1.0.0/16' }) },
    { name: 'region changed', stack, before: running, after: changed({ 'aws:region': 'eu-central-1' }) },
    { name: '`pulumi destroy`', stack, before: running },
    {
      name: '`pulumi destroy` a second time (deletion protection off, deployed again after the first)',
      stack,
      before: changed({ dbDeletionProtection: false }),
      destroyedBefore: true,
    },
  ];
}

export const scenarios: Scenario[] = [...scenariosOf('dev'), ...scenariosOf('prod')];

function run(stack: StackName, deploy: Deploy, previous?: ProgramRun): Promise<ProgramRun> {
  const previousOutputs = Object.fromEntries(
    Object.entries(previous?.outputs ?? {}).map(([key, output]) => [key, output.value]),
  );
  return runProgram({
    stack,
    config: deploy.config,
    previousOutputs,
    previous,
    extraState: eksMocks.extraState,
    extraInvokes: { ...eksMocks.extraInvokes, ...deploy.extraInvokes },
  });
}

/** The stack's state after `pulumi up` applied the changes: each updated resource as the provider reads it back. */
function settled(before: ProgramRun, after: ProgramRun, changes: PlannedChange[]): ProgramRun {
  const previous = new Map(
    before.resources.map((resource) => [`${resource.type}::${resource.name}`, resource]),
  );
  const updates = new Map(
    changes.flatMap((change) => (change.sent ? [[change.key, change.sent] as const] : [])),
  );
  return new ProgramRun(
    after.resources.map((resource) => {
      const key = `${resource.type}::${resource.name}`;
      const sent = updates.get(key);
      if (!sent) return resource;
      return { ...resource, inputs: reportedAfterUpdate(resource.type, previous.get(key)!.inputs, sent) };
    }),
    after.outputs,
  );
}

/** The pipeline's wait after a deploy whose refresh fails, answered as AWS would, then the rollback it runs. */
async function rolledBack(
  scenario: Scenario,
  before: ProgramRun,
  after: ProgramRun,
): Promise<ScenarioResult> {
  const group = new LaunchTemplateGroup();
  group.deploy(before);
  group.deploy(after);
  group.failRefresh();
  const redeploys: string[][] = [];
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const now = () => new Date((clock += 60_000));
  const deployed = now();
  // The failed refresh, then (after the pipeline's `pulumi up`) the one that refreshes back, which succeeds.
  const refresh = (Status: string, StartTime: Date): InstanceRefresh => ({
    InstanceRefreshId: Status,
    Status,
    StartTime: StartTime.toISOString(),
  });
  const tools = {
    run: (command: string[]) => {
      if (command[0] === 'pulumi') {
        redeploys.push(command);
        return '';
      }
      const refreshes = [refresh('Failed', deployed)];
      if (redeploys.length > 0) refreshes.push(refresh('Successful', now()));
      return JSON.stringify({ InstanceRefreshes: refreshes });
    },
    sleep: () => Promise.resolve(),
    log: () => undefined,
  };
  const rollout = after.outputs.rollout?.value as { kind: 'instance-refresh'; autoScalingGroupName: string };
  const previousImage = before.outputs.image?.value as string | undefined;
  await waitOrRollBack(rollout, deployed, { stack: scenario.stack, previousImage, now }, tools).then(
    () => {
      throw new Error('the pipeline took the failed refresh for a success');
    },
    () => undefined,
  );
  if (redeploys.length === 0) {
    return { changes: [], endsOn: { groupImage: group.image, outputImage: after.outputs.image?.value } };
  }
  const image = redeploys[0]!.at(-1)!.replace(/^polls:image=/, '');
  const recovered = await run(scenario.stack, { config: { ...scenario.after!.config, image } }, after);
  group.deploy(recovered);
  return {
    changes: planChanges(after, recovered),
    endsOn: { groupImage: group.image, outputImage: recovered.outputs.image?.value },
  };
}

/** Destroys a run as AWS would: refused, or everything deleted, leaving its final snapshots to the ones before. */
function destroy(run: ProgramRun, taken: string[]): ScenarioResult {
  const refusal = destroyRefusal(run, taken);
  if (refusal) return { refused: refusal };
  return { changes: planChanges(run, undefined), finalSnapshots: [...taken, ...finalSnapshotsOf(run)] };
}

/**
 * Runs the deploys under mocks, each reading the one before's outputs as its stack's last deploy and keeping
 * its unchanged resources' outputs. An update AWS refuses (aws.ts) fails the scenario as `pulumi up` would.
 * A destroy after an earlier destroy runs that earlier life first: a destroyed stack starts again with no
 * state, so the two lives share nothing but the names they choose.
 */
export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const destroyed = scenario.destroyedBefore
    ? destroy(await run(scenario.stack, scenario.before), [])
    : undefined;
  if (destroyed && !('changes' in destroyed)) return destroyed;
  // A day-2 stack has run its config before; a stack's second life starts with no state.
  const earlier = destroyed ? undefined : await run(scenario.stack, scenario.earlier ?? scenario.before);
  const before = await run(scenario.stack, scenario.before, earlier);
  if (!scenario.after) return destroy(before, destroyed?.finalSnapshots ?? []);
  let after: ProgramRun;
  try {
    after = await run(scenario.stack, scenario.after, before);
  } catch (error) {
    return { refused: (error as Error).message };
  }
  const changes = planChanges(before, after);
  const failure = changes
    .map((change) => change.sent && refusedUpdate(change.type, change.sent))
    .find(Boolean);
  if (failure) return { failed: failure };
  if (scenario.refreshFails) return rolledBack(scenario, before, after);
  const refused = refusesViewers(before, after, changes);
  const lost = lostValidationRecords(before, after, changes);
  if (!scenario.again) {
    return {
      changes,
      ...(refused && { refusesViewers: refused }),
      ...(lost.length > 0 && { lostValidationRecords: lost }),
    };
  }
  const again = await run(scenario.stack, scenario.after, after);
  return { changes: planChanges(settled(before, after, changes), again) };
}
