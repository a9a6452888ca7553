import { accessLogMetrics } from './access-log';
import { exportedServiceMetrics, scrapeJob } from './service-metrics';

/** What a dashboard shows, resolved to plain strings. */
export interface DashboardInputs {
  region: string;
  /** The stack's own metric namespace (access log metrics and the service's scraped metrics). */
  namespace: string;
  databaseIdentifier: string;
  platform:
    | { kind: 'ec2'; loadBalancer: string; targetGroup: string }
    | { kind: 'eks'; clusterName: string; namespace: string; serviceName: string };
}

/** One line of a metric widget: [namespace, name, dimension, value, …, options] or a math expression. */
type MetricLine = (string | Record<string, unknown>)[] | [{ expression: string; label: string; id?: string }];

interface Widget {
  type: 'metric';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

function line(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  options: Record<string, unknown>,
): MetricLine {
  return [namespace, metricName, ...Object.entries(dimensions).flat(), options];
}

function expression(expression: string, label: string): MetricLine {
  return [{ expression, label }];
}

/**
 * The stack's dashboard body (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * traffic, errors, latency, votes per second, healthy capacity, the database, the service's pool and memory,
 * and on eks the pods per node. Two widgets per row, in the order an operator reads them.
 */
export function dashboardBody(inputs: DashboardInputs): { widgets: Widget[] } {
  const own = inputs.namespace;
  const job = { job: scrapeJob };
  const rds = { DBInstanceIdentifier: inputs.databaseIdentifier };
  const panels: Array<{ title: string; metrics: MetricLine[] }> = [];
  const { platform } = inputs;

  const traffic: MetricLine[] = [
    line(own, accessLogMetrics.requests, {}, { stat: 'Sum', label: 'requests (service log)' }),
  ];
  const errors: MetricLine[] = [
    line(own, accessLogMetrics.serverErrors, {}, { stat: 'Sum', label: '5xx (service log)' }),
  ];
  const latency: MetricLine[] = [
    line(own, accessLogMetrics.duration, {}, { stat: 'p50', label: 'p50 ms (service log)' }),
    line(own, accessLogMetrics.duration, {}, { stat: 'p99', label: 'p99 ms (service log)' }),
  ];
  let capacity: MetricLine[];
  if (platform.kind === 'ec2') {
    const alb = { LoadBalancer: platform.loadBalancer };
    const target = { ...alb, TargetGroup: platform.targetGroup };
    traffic.push(line('AWS/ApplicationELB', 'RequestCount', alb, { stat: 'Sum', label: 'requests (ALB)' }));
    errors.push(
      line('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', alb, { stat: 'Sum', label: '5xx (ALB itself)' }),
    );
    errors.push(
      line('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', alb, { stat: 'Sum', label: '5xx (targets)' }),
    );
    latency.push(
      line('AWS/ApplicationELB', 'TargetResponseTime', target, {
        stat: 'p99',
        label: 'p99 s (ALB)',
        yAxis: 'right',
      }),
    );
    capacity = [
      line('AWS/ApplicationELB', 'HealthyHostCount', target, { stat: 'Minimum', label: 'healthy targets' }),
      line('AWS/ApplicationELB', 'UnHealthyHostCount', target, {
        stat: 'Maximum',
        label: 'unhealthy targets',
      }),
    ];
  } else {
    const service = {
      ClusterName: platform.clusterName,
      Namespace: platform.namespace,
      Service: platform.serviceName,
    };
    capacity = [line('ContainerInsights', 'pod_status_ready', service, { stat: 'Sum', label: 'ready pods' })];
  }

  panels.push({ title: 'Traffic (requests per minute)', metrics: traffic });
  panels.push({ title: 'Errors (5xx per minute)', metrics: errors });
  panels.push({ title: 'Latency', metrics: latency });
  panels.push({
    title: 'Votes per second',
    metrics: [
      line(own, exportedServiceMetrics.votes, job, { stat: 'Sum', id: 'votes', visible: false }),
      expression('votes / PERIOD(votes)', 'votes/s'),
    ],
  });
  panels.push({
    title: 'Votes per transaction (grouped commits)',
    metrics: [
      line(own, exportedServiceMetrics.batchedVotes, job, { stat: 'Sum', id: 'batched', visible: false }),
      line(own, exportedServiceMetrics.voteBatches, job, { stat: 'Sum', id: 'batches', visible: false }),
      expression('batched / batches', 'average votes per transaction'),
    ],
  });
  panels.push({ title: platform.kind === 'ec2' ? 'Healthy targets' : 'Ready pods', metrics: capacity });
  panels.push({
    title: 'Database CPU and connections',
    metrics: [
      line('AWS/RDS', 'CPUUtilization', rds, { stat: 'Average', label: 'CPU %' }),
      line('AWS/RDS', 'DatabaseConnections', rds, { stat: 'Maximum', label: 'connections', yAxis: 'right' }),
    ],
  });
  panels.push({
    title: 'Connection pool (all replicas)',
    metrics: [
      line(own, exportedServiceMetrics.poolUsed, job, { stat: 'Sum', label: 'in use' }),
      line(own, exportedServiceMetrics.poolFree, job, { stat: 'Sum', label: 'idle' }),
      line(own, exportedServiceMetrics.poolPendingAcquires, job, {
        stat: 'Sum',
        label: 'waiting for a connection',
      }),
    ],
  });
  panels.push({
    title: 'Service memory and event loop lag (worst replica)',
    metrics: [
      line(own, exportedServiceMetrics.residentMemory, job, { stat: 'Maximum', label: 'resident memory' }),
      line(own, exportedServiceMetrics.eventLoopLag, job, {
        stat: 'Maximum',
        label: 'event loop lag s',
        yAxis: 'right',
      }),
    ],
  });
  if (platform.kind === 'eks') {
    const search = `SEARCH('{ContainerInsights,ClusterName,InstanceId,NodeName} MetricName="node_number_of_running_pods" ClusterName="${platform.clusterName}"', 'Maximum', 60)`;
    panels.push({ title: 'Pods per node', metrics: [expression(search, '')] });
  }

  return {
    widgets: panels.map((panel, index) => ({
      type: 'metric',
      x: (index % 2) * 12,
      y: Math.floor(index / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title: panel.title,
        region: inputs.region,
        view: 'timeSeries',
        period: 60,
        metrics: panel.metrics,
      },
    })),
  };
}
