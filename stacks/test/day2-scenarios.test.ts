import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { countChanges, planChanges, type PlannedChange } from './scenarios/plan';
import { lostValidationRecords } from './scenarios/aws';
import { refusesViewers } from './scenarios/viewers';
import { servingTypes, statefulTypes } from './scenarios/replacement';
import { LaunchTemplateGroup } from './scenarios/instance-refresh';
import { testSite } from './support/ec2-stacks';
import { firstImage, runScenario, scenarios, secondImage, type ScenarioResult } from './scenarios/scenarios';
import { ProgramRun, runProgram } from './support/program';
import { scenarioTable } from './scenarios/table';

/** A Markdown table with its cells trimmed, so Prettier's column padding does not count. */
function cells(table: string): string[] {
  return table
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .map((cell) => cell.trim())
        .join('|'),
    );
}

function changesOf(result: ScenarioResult | undefined): PlannedChange[] {
  if (!result || !('changes' in result)) throw new Error(`not applied: ${JSON.stringify(result)}`);
  return result.changes;
}

const ofKind = (changes: PlannedChange[], kind: PlannedChange['change']) =>
  changes.filter((change) => change.change === kind).map((change) => change.key);

describe('day-2 scenarios: successive deploys of one stack', () => {
  const results = new Map<string, ScenarioResult>();
  /** The CDN's origin secret holds nothing but itself: turning the CDN off deletes it, on again makes a new one. */
  const cdnOwn = (change: PlannedChange) => /::polls-origin-(?:\d+|secret)$/.test(change.key);
  /** A listener that only redirects serves nothing: it may go (behind the locked CDN, port 80's does). */
  const redirectsOnly = (change: PlannedChange) =>
    change.type === 'aws:lb/listener:Listener' &&
    (change.was?.defaultActions as Array<{ type: string }>).every((action) => action.type === 'redirect');
  before(async function () {
    this.timeout(600_000);
    for (const scenario of scenarios) {
      results.set(`${scenario.stack}: ${scenario.name}`, await runScenario(scenario));
    }
  });
  const result = (stack: string, name: string) => results.get(`${stack}: ${name}`);

  for (const scenario of scenarios.filter((each) => each.after)) {
    it(`${scenario.stack}, ${scenario.name}: deletes or replaces nothing stateful and deletes nothing serving`, () => {
      const outcome = result(scenario.stack, scenario.name);
      if (!outcome || !('changes' in outcome)) return;
      const changes = outcome.changes;
      const lost = changes.filter(
        (change) =>
          (statefulTypes.has(change.type) &&
            (change.change === 'delete' || change.change === 'replace') &&
            !cdnOwn(change)) ||
          (servingTypes.has(change.type) && change.change === 'delete' && !redirectsOnly(change)),
      );
      assert.deepEqual(lost, []);
    });

    it(`${scenario.stack}, ${scenario.name}: refuses no viewer and keeps every certificate's validation record`, () => {
      const outcome = result(scenario.stack, scenario.name);
      if (!outcome || !('changes' in outcome)) return;
      assert.equal(outcome.refusesViewers, undefined);
      assert.equal(outcome.lostValidationRecords, undefined);
    });
  }

  for (const stack of ['dev', 'prod'] as const) {
    describe(`${stack}`, () => {
      it('first deploy, then the first image: only creates', () => {
        const counts = countChanges(
          changesOf(result(stack, 'first deploy: the foundation, then the first image')),
        );
        assert.ok(counts.create > 10);
        assert.deepEqual([counts.update, counts.replace, counts.delete], [0, 0, 0]);
      });

      it('a new image: rolls the launch template (ec2) or the Deployment and a new migration Job (eks)', () => {
        const changes = changesOf(result(stack, 'a new image'));
        if (stack === 'dev') {
          assert.deepEqual(ofKind(changes, 'update'), ['aws:ec2/launchTemplate:LaunchTemplate::polls-lt']);
          assert.deepEqual(ofKind(changes, 'replace'), []);
        } else {
          assert.deepEqual(ofKind(changes, 'update'), ['kubernetes:apps/v1:Deployment::polls-service-web']);
          assert.deepEqual(ofKind(changes, 'replace'), ['kubernetes:batch/v1:Job::polls-service-migrate']);
        }
      });

      it('`pulumi up` without polls:image, or run by someone else: changes nothing', () => {
        assert.deepEqual(changesOf(result(stack, '`pulumi up` without polls:image')), []);
        assert.deepEqual(changesOf(result(stack, 'someone else (or Jenkins) runs `pulumi up`')), []);
      });

      it('a month later, with a newer AMI and newer add-on defaults published: changes nothing', () => {
        assert.deepEqual(
          changesOf(result(stack, 'a month later: a newer AMI and newer add-on defaults published')),
          [],
        );
      });

      it('a month later, asked to: moves the AMI (ec2, a new template version) or the add-ons (eks) in place', () => {
        const changes =
          stack === 'dev'
            ? changesOf(result(stack, 'a month later, the newest AMI asked for (polls:machineImage=latest)'))
            : changesOf(
                result(
                  stack,
                  'a month later, the current add-on defaults asked for (polls:addonVersions=default)',
                ),
              );
        assert.deepEqual(
          [...ofKind(changes, 'create'), ...ofKind(changes, 'replace'), ...ofKind(changes, 'delete')],
          [],
        );
        const updated = changes.map(({ key, inputs }) => [key, inputs]);
        if (stack === 'dev') {
          assert.deepEqual(updated, [['aws:ec2/launchTemplate:LaunchTemplate::polls-lt', ['imageId']]]);
        } else {
          assert.equal(updated.length, 6);
          for (const [key, inputs] of updated) {
            assert.match(String(key), /^aws:eks\/addon:Addon::/);
            assert.deepEqual(inputs, ['addonVersion']);
          }
        }
      });

      it('replicas and the database class change in place, with the alarm on the minimum', () => {
        const replicas = changesOf(result(stack, 'min/max replicas changed'));
        // On dev's db.t4g.micro, 8 instances (16 in a refresh) leave each a smaller pool: the launch template's
        // DATABASE_POOL_MAX follows (src/database-connections.ts), so the instances roll to it.
        assert.deepEqual(
          ofKind(replicas, 'update').sort(),
          [
            ...(stack === 'dev'
              ? ['aws:autoscaling/group:Group::polls-asg', 'aws:ec2/launchTemplate:LaunchTemplate::polls-lt']
              : ['kubernetes:autoscaling/v2:HorizontalPodAutoscaler::polls-service-hpa']),
            'aws:cloudwatch/metricAlarm:MetricAlarm::polls-monitoring-capacity-below-minimum',
          ].sort(),
        );
        // The memory and connection alarms are shares of the class: they follow it.
        const database = changesOf(result(stack, 'database instance class changed'));
        assert.deepEqual(
          database.map(({ key, change, inputs }) => [key, change, inputs]),
          [
            ['aws:rds/instance:Instance::polls-db-instance', 'update', ['instanceClass']],
            [
              'aws:cloudwatch/metricAlarm:MetricAlarm::polls-monitoring-database-freeable-memory',
              'update',
              ['alarmDescription', 'threshold'],
            ],
            [
              'aws:cloudwatch/metricAlarm:MetricAlarm::polls-monitoring-database-connections',
              'update',
              ['threshold'],
            ],
          ],
        );
      });

      it('a database class change is applied by `pulumi up`, so the next one has nothing left to do', () => {
        assert.deepEqual(
          changesOf(result(stack, 'database instance class changed, then `pulumi up` again')),
          [],
        );
      });

      it('a domain is added without deleting or replacing anything', () => {
        const counts = countChanges(changesOf(result(stack, 'domain added')));
        assert.ok(counts.create > 0);
        assert.deepEqual([counts.replace, counts.delete], [0, 0]);
      });

      it('the CDN is turned on in two steps, refusing no viewer: first it serves, then the origin locks', () => {
        const first = changesOf(result(stack, 'CDN turned on (with a domain)'));
        assert.ok(
          ofKind(first, 'create').includes(
            'aws:cloudfront/distribution:Distribution::polls-cdn-distribution',
          ),
        );
        // The site's name moves to the CDN in place; nothing of the entry point changes yet.
        assert.deepEqual(ofKind(first, 'update'), ['aws:route53/record:Record::polls-cdn-alias-a']);
        assert.deepEqual(ofKind(first, 'delete'), []);
        const next = changesOf(result(stack, 'CDN turned on, then the next `pulumi up`'));
        assert.deepEqual(
          ofKind(next, 'create').filter((key) => key.includes('cloudfront/distribution')),
          [],
        );
        // The lock, and the service trusting one more hop: the instances' settings (ec2) or the pods' (eks).
        assert.deepEqual(
          ofKind(next, 'update').sort(),
          stack === 'dev'
            ? ['aws:ec2/launchTemplate:LaunchTemplate::polls-lt', 'aws:lb/listener:Listener::polls-lb-https']
            : [
                'kubernetes:apps/v1:Deployment::polls-service-web',
                'kubernetes:helm.sh/v3:Release::polls-nginx-ingress',
                'kubernetes:networking.k8s.io/v1:Ingress::polls-service-ingress',
              ],
        );
        // On ec2 the internet-wide rules give way to CloudFront's prefix list, and port 80's redirect goes.
        assert.deepEqual(
          ofKind(next, 'delete').sort(),
          stack === 'dev'
            ? [
                'aws:lb/listener:Listener::polls-lb-http',
                'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::polls-lb-from-internet-443',
                'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::polls-lb-from-internet-80',
              ]
            : [],
        );
      });

      it('a rotated origin secret adds the next generation and keeps the current one accepted', () => {
        const changes = changesOf(result(stack, 'CDN origin secret rotated'));
        assert.deepEqual(ofKind(changes, 'create'), [
          'random:index/randomPassword:RandomPassword::polls-origin-2',
        ]);
        assert.deepEqual([...ofKind(changes, 'replace'), ...ofKind(changes, 'delete')], []);
      });

      it('a new zone count, VPC block or region is refused, naming the key', () => {
        const outcome = result(stack, 'azCount changed');
        assert.ok(outcome && 'refused' in outcome);
        assert.match(outcome.refused, /^polls:azCount is 4 but the stack is deployed with \d: /);
        const block = result(stack, 'VPC block changed');
        assert.ok(block && 'refused' in block);
        assert.match(
          block.refused,
          /^polls:vpcCidr is 10\.1\.0\.0\/16 but the stack is deployed with 10\.0\.0\.0\/16/,
        );
        const region = result(stack, 'region changed');
        assert.ok(region && 'refused' in region);
        assert.match(region.refused, /^aws:region is eu-central-1 but the stack is deployed with eu-west-1/);
      });

      it('`pulumi destroy` deletes everything, stateful resources included, once deletion protection is off', () => {
        const first = result(stack, '`pulumi destroy`');
        if (stack === 'prod') {
          assert.deepEqual(first, { refused: 'DeleteDBInstance polls-prod: deletion protection is enabled' });
        } else {
          const counts = countChanges(changesOf(first));
          assert.ok(counts.delete > 40);
          assert.deepEqual([counts.create, counts.update, counts.replace], [0, 0, 0]);
        }
      });

      it('`pulumi destroy` a second time deletes everything again, its final snapshot under a new name', () => {
        const second = result(
          stack,
          '`pulumi destroy` a second time (deletion protection off, deployed again after the first)',
        );
        const counts = countChanges(changesOf(second));
        assert.ok(counts.delete > 40);
        assert.deepEqual([counts.create, counts.update, counts.replace], [0, 0, 0]);
        const snapshots = second && 'finalSnapshots' in second ? (second.finalSnapshots ?? []) : [];
        assert.equal(snapshots.length, stack === 'prod' ? 2 : 0, 'prod keeps a final snapshot, dev none');
        assert.equal(new Set(snapshots).size, snapshots.length);
      });
    });
  }

  it('would catch a replacement: a new VPC block, were it not refused, replaces the VPC and its subnets', async () => {
    // Two independent runs (no last deploy to refuse the change), compared as a preview would.
    const config = { platform: 'ec2', image: firstImage };
    const before = await runProgram({ stack: 'dev', config });
    const after = await runProgram({
      stack: 'dev',
      config: { ...config, vpcCidr: '10.1.0.0/16' },
      previous: before,
    });
    const replaced = ofKind(planChanges(before, after), 'replace');
    assert.ok(replaced.includes('aws:ec2/vpc:Vpc::polls-vpc'));
    assert.ok(replaced.some((key) => key.startsWith('aws:ec2/subnet:Subnet::')));
  });

  it('would catch a deferred database change: without dbApplyImmediately the next `pulumi up` shows it again', async () => {
    const [scenario] = scenarios.filter(
      (each) =>
        each.stack === 'dev' && each.name === 'database instance class changed, then `pulumi up` again',
    );
    const deferred = { ...scenario!.after!.config, dbApplyImmediately: false };
    const outcome = await runScenario({ ...scenario!, after: { config: deferred } });
    assert.deepEqual(
      changesOf(outcome).map(({ key, change, inputs }) => [key, change, inputs]),
      [['aws:rds/instance:Instance::polls-db-instance', 'update', ['instanceClass']]],
    );
  });

  it('would catch a lock in the update that puts the CDN in front: viewers reaching the origin are refused', async () => {
    const config = { platform: 'ec2', image: firstImage, ...testSite };
    const before = await runProgram({ stack: 'dev', config: { ...config, cdn: false } });
    // As if the CDN had served already: the program locks the origin in the same update.
    const previousOutputs = { cdnDistributionId: 'EDFDVBD6EXAMPLE' };
    const after = await runProgram({ stack: 'dev', config: { ...config, cdn: true }, previousOutputs });
    const refused = refusesViewers(before, after, planChanges(before, after));
    assert.match(
      refused ?? '',
      /ListenerRule::polls-lb-from-cdn.* lock the origin while .*Distribution::polls-cdn-distribution/,
    );
  });

  it('would catch two resources for one validation record: deleting the CDN certificate’s deletes the ALB’s', async () => {
    const config = { platform: 'ec2', image: firstImage, ...testSite };
    const after = await runProgram({ stack: 'dev', config: { ...config, cdn: false } });
    // The former shape: the CDN's certificate made its own record, the same name as the ALB's.
    const albRecord = after.named('polls-lb-tls-validation', 'aws:route53/record:Record');
    const before = new ProgramRun(
      [...after.resources, { ...albRecord, name: 'polls-cdn-tls-validation' }],
      after.outputs,
    );
    assert.deepEqual(lostValidationRecords(before, after, planChanges(before, after)), [
      String(albRecord.inputs.name).replace(/\.$/, ''),
    ]);
  });

  it('dev, a failed rollout ends on the previous image: the group launches it and the stack says so', () => {
    const outcome = result(
      'dev',
      'a new image whose instances never become healthy, rolled back by the pipeline',
    );
    assert.ok(outcome && 'changes' in outcome);
    assert.deepEqual(outcome.endsOn, { groupImage: firstImage, outputImage: firstImage });
    assert.deepEqual(
      outcome.changes.map(({ key, change }) => [key, change]),
      [['aws:ec2/launchTemplate:LaunchTemplate::polls-lt', 'update']],
    );
  });

  it('would catch AWS’s own rollback: it returns the group to the version the provider already moved it to', async () => {
    const withAutoRollback = (run: ProgramRun) =>
      new ProgramRun(
        run.resources.map((resource) =>
          resource.type === 'aws:autoscaling/group:Group'
            ? {
                ...resource,
                inputs: {
                  ...resource.inputs,
                  instanceRefresh: { strategy: 'Rolling', preferences: { autoRollback: true } },
                },
              }
            : resource,
        ),
        run.outputs,
      );
    const config = { platform: 'ec2', image: firstImage };
    const first = await runProgram({ stack: 'dev', config });
    const second = await runProgram({ stack: 'dev', config: { ...config, image: secondImage } });
    const group = new LaunchTemplateGroup();
    group.deploy(withAutoRollback(first));
    group.deploy(withAutoRollback(second));
    group.failRefresh();
    assert.equal(group.image, secondImage);
  });

  it('prod, nodeMinSize raised: the node group grows in place, its desired size with its minimum', () => {
    const changes = changesOf(result('prod', 'nodeMinSize raised'));
    assert.deepEqual(
      changes.map(({ key, change }) => [key, change]),
      [['aws:eks/nodeGroup:NodeGroup::polls-nodes', 'update']],
    );
    assert.deepEqual(changes[0]!.sent!.scalingConfig, { minSize: 4, maxSize: 6, desiredSize: 4 });
  });

  it('docs/deploying.md shows the table `npm run plan:scenarios` prints now', () => {
    const docs = fs.readFileSync(path.resolve(__dirname, '../../docs/deploying.md'), 'utf8');
    const quoted = /<!-- npm run plan:scenarios -w stacks -->\n([\s\S]*?)\n<!-- end of table -->/.exec(docs);
    assert.ok(quoted, 'docs/deploying.md has lost its table markers');
    const rows = scenarios.map((scenario) => ({
      scenario,
      result: results.get(`${scenario.stack}: ${scenario.name}`)!,
    }));
    assert.deepEqual(
      cells(quoted[1] ?? ''),
      cells(scenarioTable(rows)),
      'run `npm run plan:scenarios -w stacks` and paste it',
    );
  });

  it('prod, Kubernetes version raised: the cluster, add-ons and nodes update in place', () => {
    const changes = changesOf(result('prod', 'Kubernetes version raised'));
    assert.deepEqual(ofKind(changes, 'replace'), []);
    const updated = ofKind(changes, 'update');
    assert.ok(updated.includes('aws:eks/cluster:Cluster::polls-cluster'));
    assert.ok(updated.includes('aws:eks/nodeGroup:NodeGroup::polls-nodes'));
    assert.equal(updated.filter((key) => key.startsWith('aws:eks/addon:Addon::')).length, 6);
  });
});
