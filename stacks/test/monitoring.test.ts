import assert from 'node:assert/strict';
import { runbookLink } from '../src/observability/alarm-spec';
import { awsPublishes } from './support/cloudwatch-catalog';
import { ec2Stack } from './support/ec2-stacks';
import { runEks } from './support/eks-stacks';
import { decodedUserData } from './support/inputs';
import { mockArn } from './support/mock-aws';
import type { ProgramRun, RecordedResource } from './support/program';
import { runbookSections } from './support/runbook';

type Platform = 'ec2' | 'eks';
type Stack = 'dev' | 'prod';

interface MetricStat {
  namespace: string;
  metricName: string;
  dimensions?: Record<string, string>;
}

interface EmfDeclaration {
  dimensions: string[][];
  metric_selectors: string[];
}

const alarmType = 'aws:cloudwatch/metricAlarm:MetricAlarm';

const expectedAlarms: Record<Platform, string[]> = {
  ec2: [
    'capacity-below-minimum',
    'latency-p99',
    'load-balancer-5xx',
    'no-healthy-targets',
    'targets-5xx',
    'unhealthy-targets',
  ],
  eks: [
    'capacity-below-minimum',
    'crash-looping-containers',
    'failed-nodes',
    'latency-p99',
    'no-healthy-targets',
    'targets-5xx',
  ],
};
const databaseAlarms = [
  'database-connections',
  'database-cpu',
  'database-free-storage',
  'database-freeable-memory',
];

function run(platform: Platform, stack: Stack): Promise<ProgramRun> {
  return platform === 'ec2' ? ec2Stack(stack) : runEks(stack);
}

function slugOf(alarm: RecordedResource): string {
  return String(alarm.inputs.name).replace(/^polls-(dev|prod)-/, '');
}

/** The agent's EMF declarations as the stack configures them: in user data (ec2) or the add-on (eks). */
function emfDeclarations(program: ProgramRun): { namespace: string; declarations: EmfDeclaration[] } {
  let agentConfig: {
    logs: { metrics_collected: { prometheus: { emf_processor: Record<string, unknown> } } };
  };
  const addon = program
    .ofType('aws:eks/addon:Addon')
    .find((each) => each.inputs.addonName === 'amazon-cloudwatch-observability');
  if (addon) {
    agentConfig = JSON.parse(String(addon.inputs.configurationValues)).agent.config;
  } else {
    const script = decodedUserData(program.one('aws:ec2/launchTemplate:LaunchTemplate').inputs);
    agentConfig = JSON.parse(/<<'POLLS_AGENT'\n([\s\S]*?)\nPOLLS_AGENT/.exec(script)![1]!);
  }
  const processor = agentConfig.logs.metrics_collected.prometheus.emf_processor;
  return {
    namespace: String(processor.metric_namespace),
    declarations: processor.metric_declaration as EmfDeclaration[],
  };
}

/** Whether the stack itself publishes the metric: a metric filter (no dimensions) or an EMF declaration. */
function stackPublishes(program: ProgramRun, metric: MetricStat, dimensionNames: string[]): boolean {
  const fromFilters = program.ofType('aws:cloudwatch/logMetricFilter:LogMetricFilter').some((filter) => {
    const transformation = filter.inputs.metricTransformation as { namespace: string; name: string };
    return (
      transformation.namespace === metric.namespace &&
      transformation.name === metric.metricName &&
      dimensionNames.length === 0
    );
  });
  const emf = emfDeclarations(program);
  const fromAgent =
    emf.namespace === metric.namespace &&
    emf.declarations.some(
      (declaration) =>
        declaration.metric_selectors.some((selector) => new RegExp(selector).test(metric.metricName)) &&
        declaration.dimensions.some(
          (set) => [...set].sort().join(',') === [...dimensionNames].sort().join(','),
        ),
    );
  return fromFilters || fromAgent;
}

function exists(program: ProgramRun, metric: MetricStat, dimensionNames: string[]): boolean {
  return metric.namespace.startsWith('polls/')
    ? stackPublishes(program, metric, dimensionNames)
    : awsPublishes(metric.namespace, metric.metricName, dimensionNames);
}

/** Every metric an alarm reads: its own, or those of its metric math. */
function metricsOf(alarm: RecordedResource): MetricStat[] {
  const queries = alarm.inputs.metricQueries as { metric?: MetricStat }[] | undefined;
  if (queries) return queries.flatMap((query) => (query.metric ? [query.metric] : []));
  return [alarm.inputs as unknown as MetricStat];
}

describe('monitoring', () => {
  const sections = runbookSections();

  for (const platform of ['ec2', 'eks'] as const) {
    for (const stack of ['dev', 'prod'] as const) {
      describe(`${stack} stack on ${platform}`, () => {
        let program: ProgramRun;
        before(async () => (program = await run(platform, stack)));
        const alarms = () => program.ofType(alarmType);

        it('creates the platform’s alarms and the database’s, and no other', () => {
          assert.deepEqual(
            alarms().map(slugOf).sort(),
            [...expectedAlarms[platform], ...databaseAlarms].sort(),
          );
        });

        if (platform === 'eks') {
          it('watches the NLB Kubernetes made: the fewest healthy targets of any of its target groups', () => {
            const alarm = alarms().find((each) => slugOf(each) === 'no-healthy-targets')!;
            const [query] = alarm.inputs.metricQueries as { expression: string }[];
            assert.equal(
              query!.expression,
              'SELECT MIN(HealthyHostCount) FROM SCHEMA("AWS/NetworkELB", LoadBalancer, TargetGroup) ' +
                "WHERE LoadBalancer = 'net/a0123456789abcdef/0123456789abcdef'",
            );
            assert.equal(alarm.inputs.treatMissingData, 'breaching');
          });

          it('treats silence as bad only from Container Insights metrics the agent publishes as zeros too', () => {
            const missingData = (slug: string) =>
              alarms().find((each) => slugOf(each) === slug)!.inputs.treatMissingData;
            assert.equal(missingData('capacity-below-minimum'), 'breaching');
            assert.equal(missingData('failed-nodes'), 'breaching');
            assert.equal(missingData('crash-looping-containers'), 'notBreaching');
          });
        }

        it('has every alarm notify the stack’s topic when it fires and when it clears', () => {
          const topic = program.one('aws:sns/topic:Topic');
          assert.equal(topic.inputs.name, `polls-${stack}-alerts`);
          for (const alarm of alarms()) {
            assert.deepEqual(alarm.inputs.alarmActions, [mockArn(topic.type, topic.name)], alarm.name);
            assert.deepEqual(alarm.inputs.okActions, alarm.inputs.alarmActions, alarm.name);
          }
        });

        it('links every alarm to its runbook section, which exists', () => {
          for (const alarm of alarms()) {
            const slug = slugOf(alarm);
            assert.ok(String(alarm.inputs.alarmDescription).endsWith(`Runbook: ${runbookLink(slug)}`), slug);
            assert.ok(sections.has(slug), `docs/runbook.md has no "## ${slug}" section`);
          }
        });

        it('chooses what missing data means for every alarm and waits for more than one bad minute', () => {
          for (const alarm of alarms()) {
            assert.ok(
              ['breaching', 'notBreaching', 'missing'].includes(String(alarm.inputs.treatMissingData)),
            );
            const periods = Number(alarm.inputs.evaluationPeriods) * Number(alarm.inputs.period ?? 60);
            assert.ok(periods >= 120, `${alarm.name} decides on ${periods} s`);
          }
        });

        it('reads only metrics and dimensions that exist: AWS’s documented ones, or the stack’s own', () => {
          for (const alarm of alarms()) {
            for (const metric of metricsOf(alarm)) {
              const names = Object.keys(metric.dimensions ?? {});
              assert.ok(
                exists(program, metric, names),
                `${alarm.name}: ${metric.namespace} ${metric.metricName} by ${names}`,
              );
            }
          }
        });

        it('draws a dashboard whose widgets read only metrics that exist, and outputs its URL', () => {
          const dashboard = program.one('aws:cloudwatch/dashboard:Dashboard');
          const body = JSON.parse(String(dashboard.inputs.dashboardBody)) as {
            widgets: { properties: { region: string; metrics: unknown[][] } }[];
          };
          assert.ok(body.widgets.length >= 8);
          for (const widget of body.widgets) {
            assert.equal(widget.properties.region, 'eu-west-1');
            for (const line of widget.properties.metrics) {
              const [first] = line;
              if (typeof first === 'object' && first !== null) {
                const expression = String((first as { expression: string }).expression);
                const search = /MetricName="([^"]+)"/.exec(expression);
                if (search)
                  assert.ok(
                    awsPublishes('ContainerInsights', search[1]!, ['ClusterName', 'InstanceId', 'NodeName']),
                  );
                continue;
              }
              const [namespace, metricName, ...rest] = line as string[];
              const pairs = rest.filter((item) => typeof item === 'string');
              const names = pairs.filter((_, index) => index % 2 === 0);
              assert.ok(
                exists(program, { namespace: namespace!, metricName: metricName! }, names),
                `${namespace} ${metricName} by ${names}`,
              );
            }
          }
          assert.match(
            String(program.outputs.dashboardUrl?.value),
            new RegExp(
              `^https://eu-west-1\\.console\\.aws\\.amazon\\.com/cloudwatch/home\\?region=eu-west-1#dashboards/dashboard/polls-${stack}$`,
            ),
          );
        });

        it('keeps every log group for a set time', () => {
          const groups = program.ofType('aws:cloudwatch/logGroup:LogGroup');
          assert.ok(groups.length >= 2);
          for (const group of groups) assert.ok(Number(group.inputs.retentionInDays) > 0, group.name);
        });

        it('saves the Logs Insights queries for 5xx by route and slow requests on the service’s log group', () => {
          const queries = program.ofType('aws:cloudwatch/queryDefinition:QueryDefinition');
          assert.deepEqual(queries.map((query) => query.name).sort(), [
            'polls-monitoring-errors',
            'polls-monitoring-latency-by-route',
            'polls-monitoring-server-errors-by-route',
            'polls-monitoring-slow-requests',
          ]);
          const serviceGroup =
            platform === 'ec2'
              ? `/polls/${stack}/service`
              : `/aws/containerinsights/polls-${stack}/application`;
          for (const query of queries) assert.deepEqual(query.inputs.logGroupNames, [serviceGroup]);
        });

        it('subscribes no address when polls:alertEmails is empty', () => {
          assert.deepEqual(program.ofType('aws:sns/topicSubscription:TopicSubscription'), []);
        });
      });
    }
  }

  describe('thresholds that fit each stack', () => {
    const threshold = (program: ProgramRun, slug: string) =>
      Number(program.ofType(alarmType).find((alarm) => slugOf(alarm) === slug)?.inputs.threshold);

    // Connections: 75% of the class's memory / 9531392 bytes each (84 on 1 GiB, 337 on 4 GiB), 80% of that.
    const expected = [
      {
        what: 'dev (db.t4g.micro, 20 GiB; t3.small instances, 2 at least): a laxer latency',
        program: () => ec2Stack('dev'),
        thresholds: {
          'database-free-storage': 2 * 1024 ** 3,
          'database-freeable-memory': Math.round(0.1 * 1024 ** 3),
          'database-connections': 67,
          'latency-p99': 2,
          'capacity-below-minimum': 2,
        },
      },
      {
        what: 'prod (db.t4g.medium, 50 GiB; 3 pods at least)',
        program: () => runEks('prod'),
        thresholds: {
          'database-free-storage': 5 * 1024 ** 3,
          'database-freeable-memory': Math.round(0.4 * 1024 ** 3),
          'database-connections': 269,
          'latency-p99': 1000,
          'capacity-below-minimum': 3,
        },
      },
    ];
    for (const { what, program, thresholds } of expected) {
      it(`${what}: shares of its own database and its own minimum`, async () => {
        const run = await program();
        for (const [slug, value] of Object.entries(thresholds))
          assert.equal(threshold(run, slug), value, slug);
      });
    }
  });

  it('mails every address of polls:alertEmails from the topic', async () => {
    const program = await runEks('dev', { alertEmails: ['oncall@example.com', 'team@example.com'] });
    const subscriptions = program.ofType('aws:sns/topicSubscription:TopicSubscription');
    assert.deepEqual(subscriptions.map((subscription) => subscription.inputs.endpoint).sort(), [
      'oncall@example.com',
      'team@example.com',
    ]);
    for (const subscription of subscriptions) assert.equal(subscription.inputs.protocol, 'email');
  });
});
