import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../config';
import type { Tags } from '../tags';
import { runbookLink, type AlarmSpec, type MetricRef } from './alarm-spec';
import { accessLogAlarms, accessLogFilters, savedQueries, type AccessLogSource } from './access-log';
import { dashboardBody, type DashboardInputs } from './dashboard';
import { databaseAlarms } from './database-alarms';
import { instanceClassMemoryGib } from './database-capacity';
import { cdnAlarm, ec2Alarms, eksAlarms } from './platform-alarms';

/** What each platform tells the Monitoring tier about itself. */
export type PlatformTelemetry =
  | {
      kind: 'ec2';
      loadBalancer: pulumi.Output<string>;
      targetGroup: pulumi.Output<string>;
      autoScalingGroupName: pulumi.Output<string>;
      accessLog: AccessLogSource;
    }
  | {
      kind: 'eks';
      clusterName: pulumi.Output<string>;
      namespace: string;
      serviceName: string;
      accessLog: AccessLogSource;
    };

export interface MonitoringArgs {
  config: StackConfig;
  databaseIdentifier: pulumi.Output<string>;
  platform: PlatformTelemetry;
  /** A CloudFront distribution in front of the site: its 5xx rate gets an alarm (in us-east-1). */
  cdnDistributionId?: pulumi.Input<string>;
  tags: Tags;
}

/** The stack's own CloudWatch namespace: access log metrics and the service's scraped metrics. */
export function metricNamespace(config: Pick<StackConfig, 'project' | 'stack'>): string {
  return `${config.project}/${config.stack}`;
}

/** The region CloudFront publishes its metrics in. */
const cloudFrontMetricsRegion = 'us-east-1';

function metricStat(metric: MetricRef, statistic: string, periodSeconds: number) {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: metric.dimensions,
    period: periodSeconds,
    stat: statistic,
  };
}

/** The MetricAlarm inputs that say what is measured: a statistic, or a percentage computed by metric math. */
function measuredBy(spec: AlarmSpec): aws.cloudwatch.MetricAlarmArgs {
  const { measure } = spec;
  if ('metric' in measure) {
    const percentile = /^p\d/.test(measure.statistic);
    return {
      namespace: measure.metric.namespace,
      metricName: measure.metric.metricName,
      dimensions: measure.metric.dimensions,
      period: spec.periodSeconds,
      ...(percentile ? { extendedStatistic: measure.statistic } : { statistic: measure.statistic }),
    };
  }
  const { part, whole } = measure.percentOf;
  return {
    metricQueries: [
      { id: 'part', metric: metricStat(part, 'Sum', spec.periodSeconds), returnData: false },
      { id: 'whole', metric: metricStat(whole, 'Sum', spec.periodSeconds), returnData: false },
      // A count CloudWatch only publishes when non-zero (5xx) is absent, not 0, in a quiet minute.
      { id: 'percent', expression: '100 * FILL(part, 0) / whole', label: 'percent', returnData: true },
    ],
  };
}

/**
 * Notifications, alarms, access log metrics, saved Logs Insights queries and the dashboard of one stack.
 * Every alarm notifies the stack's SNS topic when it fires and when it clears.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:observability:Monitoring', name, {}, opts);
    const parent = { parent: this };
    const { config, platform, tags } = args;
    const prefix = `${config.project}-${config.stack}`;
    const namespace = metricNamespace(config);

    const topic = new aws.sns.Topic(`${name}-alerts`, { name: `${prefix}-alerts`, tags }, parent);
    this.subscribe(name, topic, config.alertEmails, '');

    const accessLog = platform.accessLog;
    for (const filter of accessLogFilters(accessLog)) {
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${filter.suffix}`,
        {
          logGroupName: accessLog.logGroupName,
          pattern: filter.pattern,
          metricTransformation: {
            namespace,
            name: filter.metricName,
            value: filter.value,
            unit: filter.unit,
          },
        },
        parent,
      );
    }
    for (const query of savedQueries(accessLog, config.alarmLatencyP99Ms)) {
      new aws.cloudwatch.QueryDefinition(
        `${name}-${query.suffix}`,
        {
          name: `${prefix}/${query.title}`,
          logGroupNames: [accessLog.logGroupName],
          queryString: query.query,
        },
        parent,
      );
    }

    const thresholds = {
      errorRatePercent: config.alarmErrorRatePercent,
      latencyP99Ms: config.alarmLatencyP99Ms,
    };
    const memoryGib = instanceClassMemoryGib(config.dbInstanceClass);
    const specs: AlarmSpec[] = [
      ...databaseAlarms({
        instanceIdentifier: args.databaseIdentifier,
        allocatedStorageGb: config.dbAllocatedStorage,
        memoryGib,
        cpuPercent: config.alarmDbCpuPercent,
        freeStoragePercent: config.alarmDbFreeStoragePercent,
        freeableMemoryPercent: config.alarmDbFreeableMemoryPercent,
        connectionsPercent: config.alarmDbConnectionsPercent,
      }),
      ...(platform.kind === 'ec2'
        ? ec2Alarms({ ...platform, minInstances: config.minReplicas, ...thresholds })
        : [
            ...eksAlarms({ ...platform, minReplicas: config.minReplicas }),
            ...accessLogAlarms({ namespace, ...thresholds }),
          ]),
    ];
    for (const spec of specs) this.alarm(name, prefix, spec, topic, tags);

    if (args.cdnDistributionId !== undefined) {
      // CloudFront's metrics exist only in us-east-1; an alarm notifies a topic of its own region.
      const region = { region: cloudFrontMetricsRegion };
      const cdnTopic = new aws.sns.Topic(
        `${name}-cdn-alerts`,
        { name: `${prefix}-cdn-alerts`, tags, ...region },
        parent,
      );
      this.subscribe(name, cdnTopic, config.alertEmails, 'cdn-');
      this.alarm(
        name,
        prefix,
        cdnAlarm(args.cdnDistributionId, config.alarmErrorRatePercent),
        cdnTopic,
        tags,
        region,
      );
    }

    const regionName = aws.getRegionOutput({}, parent).region;
    const dashboardName = `${prefix}`;
    const telemetry: pulumi.Output<DashboardInputs['platform']> =
      platform.kind === 'ec2'
        ? pulumi
            .all([platform.loadBalancer, platform.targetGroup])
            .apply(([loadBalancer, targetGroup]) => ({ kind: 'ec2' as const, loadBalancer, targetGroup }))
        : platform.clusterName.apply((clusterName) => ({
            kind: 'eks' as const,
            clusterName,
            namespace: platform.namespace,
            serviceName: platform.serviceName,
          }));
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName,
        dashboardBody: pulumi
          .all([regionName, args.databaseIdentifier, telemetry])
          .apply(([region, databaseIdentifier, telemetryOf]) =>
            JSON.stringify(dashboardBody({ region, namespace, databaseIdentifier, platform: telemetryOf })),
          ),
      },
      parent,
    );

    this.topicArn = topic.arn;
    this.dashboardUrl = pulumi.interpolate`https://${regionName}.console.aws.amazon.com/cloudwatch/home?region=${regionName}#dashboards/dashboard/${dashboard.dashboardName}`;
    this.registerOutputs({ topicArn: this.topicArn, dashboardUrl: this.dashboardUrl });
  }

  private subscribe(name: string, topic: aws.sns.Topic, emails: string[], kind: string): void {
    for (const email of emails) {
      // Named by the address, so removing one address leaves the others' subscriptions (and confirmations) alone.
      new aws.sns.TopicSubscription(
        `${name}-${kind}email-${email}`,
        { topic: topic.arn, protocol: 'email', endpoint: email, region: topic.region },
        { parent: this },
      );
    }
  }

  private alarm(
    name: string,
    prefix: string,
    spec: AlarmSpec,
    topic: aws.sns.Topic,
    tags: Tags,
    region: { region?: string } = {},
  ): void {
    new aws.cloudwatch.MetricAlarm(
      `${name}-${spec.slug}`,
      {
        name: `${prefix}-${spec.slug}`,
        alarmDescription: `${spec.summary} Runbook: ${runbookLink(spec.slug)}`,
        ...measuredBy(spec),
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.missingData,
        alarmActions: [topic.arn],
        okActions: [topic.arn],
        tags,
        ...region,
      },
      { parent: this },
    );
  }
}
