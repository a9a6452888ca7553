import type * as pulumi from '@pulumi/pulumi';
import type { AlarmSpec } from './alarm-spec';

export interface ClusterAlarmSettings {
  clusterName: pulumi.Input<string>;
  namespace: string;
  /** The Kubernetes Service in front of the web pods: Container Insights groups pods by it. */
  serviceName: string;
  minReplicas: number;
}

/**
 * ContainerInsights, as the CloudWatch Observability add-on publishes it (enhanced observability; dimension
 * sets from https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-enhanced-EKS.html
 * and the agent's own expectations in aws/amazon-cloudwatch-agent-test, test/metric_value_benchmark/eks_resources):
 * cluster_failed_node_count and pod_container_status_waiting_reason_crash_loop_back_off by ClusterName;
 * pod_status_ready by ClusterName, Namespace and Service. If the agent stops, they stop: silence breaches.
 */
export function eksAlarms(settings: ClusterAlarmSettings): AlarmSpec[] {
  const cluster = { ClusterName: settings.clusterName };
  /** A cluster-wide count of something wrong that is above zero in `datapoints` of 5 minutes. */
  const anyInCluster = (
    slug: string,
    summary: string,
    metricName: string,
    datapoints: number,
  ): AlarmSpec => ({
    slug,
    summary,
    measure: {
      metric: { namespace: 'ContainerInsights', metricName, dimensions: cluster },
      statistic: 'Maximum',
    },
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: datapoints,
    missingData: 'breaching',
  });
  return [
    {
      slug: 'capacity-below-minimum',
      summary: `Fewer than ${settings.minReplicas} service pods are ready (polls:minReplicas).`,
      measure: {
        metric: {
          namespace: 'ContainerInsights',
          metricName: 'pod_status_ready',
          dimensions: { ...cluster, Namespace: settings.namespace, Service: settings.serviceName },
        },
        statistic: 'Sum',
      },
      comparison: 'LessThanThreshold',
      threshold: settings.minReplicas,
      periodSeconds: 60,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      missingData: 'breaching',
    },
    anyInCluster(
      'failed-nodes',
      'A node reports a failing condition (not ready, memory, disk or PID pressure).',
      'cluster_failed_node_count',
      5,
    ),
    anyInCluster(
      'crash-looping-containers',
      'A container in the cluster keeps restarting (CrashLoopBackOff).',
      'pod_container_status_waiting_reason_crash_loop_back_off',
      3,
    ),
  ];
}
