import * as pulumi from '@pulumi/pulumi';
import type { AlarmSpec, MetricRef } from './alarm-spec';

export interface LoadBalancerAlarmSettings {
  /** The ALB's and the target group's ARN suffixes: their CloudWatch dimension values. */
  loadBalancer: pulumi.Input<string>;
  targetGroup: pulumi.Input<string>;
  autoScalingGroupName: pulumi.Input<string>;
  minInstances: number;
  errorRatePercent: number;
  latencyP99Ms: number;
}

/** Fewer than one healthy target for 2 minutes; absent data breaches (only a load balancer gone is silent). */
const noHealthyTargets = {
  slug: 'no-healthy-targets',
  comparison: 'LessThanThreshold',
  threshold: 1,
  periodSeconds: 60,
  evaluationPeriods: 2,
  datapointsToAlarm: 2,
  missingData: 'breaching',
} as const satisfies Partial<AlarmSpec>;

/**
 * AWS/ApplicationELB (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 * RequestCount, HTTPCode_ELB_5XX_Count and HTTPCode_Target_5XX_Count by LoadBalancer; TargetResponseTime,
 * HealthyHostCount and UnHealthyHostCount by LoadBalancer and TargetGroup. The 5xx counts are only published
 * when non-zero. AWS/AutoScaling (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html):
 * GroupInServiceInstances by AutoScalingGroupName, once the group enables it (ec2/platform.ts does).
 */
export function ec2Alarms(settings: LoadBalancerAlarmSettings): AlarmSpec[] {
  const alb = (metricName: string, withTargetGroup: boolean): MetricRef => ({
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensions: withTargetGroup
      ? { LoadBalancer: settings.loadBalancer, TargetGroup: settings.targetGroup }
      : { LoadBalancer: settings.loadBalancer },
  });
  const requests = alb('RequestCount', false);
  const errorRate = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 };
  return [
    {
      slug: 'load-balancer-5xx',
      summary: `More than ${settings.errorRatePercent}% of requests fail at the load balancer itself (no target answered).`,
      measure: { percentOf: { part: alb('HTTPCode_ELB_5XX_Count', false), whole: requests } },
      comparison: 'GreaterThanThreshold',
      threshold: settings.errorRatePercent,
      ...errorRate,
      missingData: 'notBreaching',
    },
    {
      slug: 'targets-5xx',
      summary: `More than ${settings.errorRatePercent}% of the service's responses are 5xx.`,
      measure: { percentOf: { part: alb('HTTPCode_Target_5XX_Count', false), whole: requests } },
      comparison: 'GreaterThanThreshold',
      threshold: settings.errorRatePercent,
      ...errorRate,
      missingData: 'notBreaching',
    },
    {
      ...noHealthyTargets,
      summary: 'No instance passes the load balancer health check: the site is down.',
      measure: { metric: alb('HealthyHostCount', true), statistic: 'Minimum' },
    },
    {
      slug: 'unhealthy-targets',
      // An instance refresh starts new instances before it drains old ones; 10 minutes outlasts their warm-up.
      summary: 'An instance has failed the load balancer health check for 10 minutes.',
      measure: { metric: alb('UnHealthyHostCount', true), statistic: 'Maximum' },
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      periodSeconds: 60,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      missingData: 'notBreaching',
    },
    {
      slug: 'latency-p99',
      summary: `The service's 99th-percentile response time is above ${settings.latencyP99Ms} ms.`,
      measure: { metric: alb('TargetResponseTime', true), statistic: 'p99' },
      comparison: 'GreaterThanThreshold',
      // TargetResponseTime is in seconds.
      threshold: settings.latencyP99Ms / 1000,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      missingData: 'notBreaching',
    },
    {
      slug: 'capacity-below-minimum',
      summary: `Fewer than ${settings.minInstances} instances are in service (polls:minReplicas).`,
      measure: {
        metric: {
          namespace: 'AWS/AutoScaling',
          metricName: 'GroupInServiceInstances',
          dimensions: { AutoScalingGroupName: settings.autoScalingGroupName },
        },
        statistic: 'Minimum',
      },
      comparison: 'LessThanThreshold',
      threshold: settings.minInstances,
      periodSeconds: 60,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      missingData: 'breaching',
    },
  ];
}

/**
 * eks: the NLB that the ingress controller's Service gets from Kubernetes has a target group per port, which
 * Kubernetes names, so the alarm asks CloudWatch Metrics Insights for the fewest healthy targets of any of
 * them (AWS/NetworkELB HealthyHostCount by LoadBalancer and TargetGroup,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html):
 * none on one port and the site is down there.
 */
export function networkLoadBalancerAlarms(loadBalancer: pulumi.Input<string>): AlarmSpec[] {
  return [
    {
      ...noHealthyTargets,
      summary: 'No NGINX ingress pod passes the network load balancer health check: the site is down.',
      measure: {
        query: pulumi.interpolate`SELECT MIN(HealthyHostCount) FROM SCHEMA("AWS/NetworkELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = '${loadBalancer}'`,
      },
    },
  ];
}
