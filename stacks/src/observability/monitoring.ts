import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../config';
import type { Tags } from '../tags';
import { accessLogAlarms, accessLogFilters, savedQueries } from './access-log';
import { measuredBy, runbookLink, type AlarmSpec } from './alarm-spec';
import { cdnAlarm } from './cdn-alarm';
import { eksAlarms } from './cluster-alarms';
import { dashboardBody, type DashboardInputs } from './dashboard';
import { databaseAlarms } from './database-alarms';
import { instanceClassMemoryGib } from '../database-capacity';
import { ec2Alarms, networkLoadBalancerAlarms } from './load-balancer-alarms';
import { metricNamespace, type PlatformTelemetry } from './telemetry';

export interface MonitoringArgs {
  config: StackConfig;
  databaseIdentifier: pulumi.Output<string>;
  platform: PlatformTelemetry;
  /** A CloudFront distribution in front of the site: its 5xx rate gets an alarm (in us-east-1). */
  cdnDistributionId?: pulumi.Input<string>;
  tags: Tags;
}

/** The region CloudFront publishes its metrics in. */
const cloudFrontMetricsRegion = 'us-east-1';

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
            ...networkLoadBalancerAlarms(platform.loadBalancer),
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
