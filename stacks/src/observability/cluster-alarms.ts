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
 * ContainerInsights, as the CloudWatch Observability add-on publishes it with enhanced observability. Dimension
 * sets: the EMF declarations of aws/amazon-cloudwatch-agent, translator/translate/otel/exporter/awsemf/kubernetes.go
 * (cluster_failed_node_count by ClusterName; the pod_* metrics by ClusterName and by ClusterName, Namespace,
 * Service), as https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-enhanced-EKS.html
 * lists them. Whether a healthy cluster publishes a zero is per metric, noted at each alarm.
 */
export function eksAlarms(settings: ClusterAlarmSettings): AlarmSpec[] {
  const cluster = { ClusterName: settings.clusterName };
  /** A cluster-wide count of something wrong that is above zero in `datapoints` of 5 minutes. */
  const anyInCluster = (
    slug: string,
    summary: string,
    metricName: string,
    datapoints: number,
    missingData: AlarmSpec['missingData'],
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
    missingData,
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
      // 0 or 1 for every pod every minute (addPodConditionMetrics in amazon-contributing/opentelemetry-collector-contrib
      // receiver/awscontainerinsightreceiver/internal/stores/podstore.go): silence means no pods or no agent.
      missingData: 'breaching',
    },
    anyInCluster(
      'failed-nodes',
      'A node reports memory, disk or PID pressure or an unavailable network, or has stopped reporting.',
      'cluster_failed_node_count',
      5,
      // The leader agent publishes the count, 0 included, every minute (getClusterMetrics in the same repository's
      // receiver/awscontainerinsightreceiver/internal/k8sapiserver/k8sapiserver.go): silence means no agent.
      'breaching',
    ),
    anyInCluster(
      'crash-looping-containers',
      'A container in the cluster keeps restarting (CrashLoopBackOff).',
      'pod_container_status_waiting_reason_crash_loop_back_off',
      3,
      // Published only for a pod with a crash-looping container (addPodContainerStatusMetrics in podstore.go adds the
      // field on the first one): a healthy cluster publishes nothing. The agent's outage is failed-nodes' to report.
      'notBreaching',
    ),
  ];
}
