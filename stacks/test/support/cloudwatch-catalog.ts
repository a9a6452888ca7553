/**
 * The AWS metrics the alarms and the dashboard may use, with the dimension sets AWS publishes them under,
 * as AWS documents them:
 * - AWS/ApplicationELB: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 * - AWS/AutoScaling: https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html
 * - AWS/RDS: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
 * - ContainerInsights (enhanced observability): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-enhanced-EKS.html,
 *   dimension sets as the agent's own tests expect them (aws/amazon-cloudwatch-agent-test,
 *   test/metric_value_benchmark/eks_resources/util.go)
 * - AWS/CloudFront: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
 */
export const awsMetrics: Record<string, Record<string, string[][]>> = {
  'AWS/ApplicationELB': {
    RequestCount: [['LoadBalancer'], ['LoadBalancer', 'TargetGroup']],
    HTTPCode_ELB_5XX_Count: [['LoadBalancer']],
    HTTPCode_Target_5XX_Count: [['LoadBalancer'], ['LoadBalancer', 'TargetGroup']],
    TargetResponseTime: [['LoadBalancer'], ['LoadBalancer', 'TargetGroup']],
    HealthyHostCount: [['LoadBalancer', 'TargetGroup']],
    UnHealthyHostCount: [['LoadBalancer', 'TargetGroup']],
  },
  'AWS/AutoScaling': { GroupInServiceInstances: [['AutoScalingGroupName']] },
  'AWS/RDS': {
    CPUUtilization: [['DBInstanceIdentifier']],
    FreeStorageSpace: [['DBInstanceIdentifier']],
    FreeableMemory: [['DBInstanceIdentifier']],
    DatabaseConnections: [['DBInstanceIdentifier']],
  },
  ContainerInsights: {
    cluster_failed_node_count: [['ClusterName']],
    pod_container_status_waiting_reason_crash_loop_back_off: [['ClusterName']],
    pod_status_ready: [['ClusterName'], ['ClusterName', 'Namespace', 'Service']],
    node_number_of_running_pods: [['ClusterName'], ['ClusterName', 'InstanceId', 'NodeName']],
  },
  'AWS/CloudFront': { '5xxErrorRate': [['DistributionId', 'Region']] },
};

/** Whether AWS publishes the metric under exactly these dimension names. */
export function awsPublishes(namespace: string, metricName: string, dimensionNames: string[]): boolean {
  const sets = awsMetrics[namespace]?.[metricName];
  const wanted = [...dimensionNames].sort().join(',');
  return sets?.some((set) => [...set].sort().join(',') === wanted) ?? false;
}
