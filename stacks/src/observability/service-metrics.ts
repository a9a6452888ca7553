import { healthPaths, METRICS_PORT } from '../service-contract';

/**
 * How the service's Prometheus metrics reach CloudWatch on both platforms: the CloudWatch agent scrapes the
 * internal metrics port with a plain Prometheus scrape config and turns the series it is told to keep into
 * CloudWatch metrics through embedded metric format (EMF) log events
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-PrometheusEC2.html:
 * `logs.metrics_collected.prometheus` with `prometheus_config_path` and `emf_processor.metric_declaration`).
 * The agent keeps counters (as the delta since its last scrape), gauges and summaries, and drops histograms
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights-Prometheus-metrics-conversion.html):
 * http_request_duration_seconds never arrives, so request rate and latency come from the access log metric
 * filters (access-log.ts) instead.
 */

/** The scrape job; it is the `job` label of every series, and the dimension of every exported metric. */
export const scrapeJob = 'polls';
const scrapeIntervalSeconds = 60;

/** The service's series exported to CloudWatch, by what the dashboard shows. */
export const exportedServiceMetrics = {
  /** A counter: each data point is the votes since the previous scrape. */
  votes: 'polls_votes_total',
  /** Counters too: committed vote transactions and the votes in them (their ratio is the average batch). */
  voteBatches: 'polls_vote_batches_total',
  batchedVotes: 'polls_vote_batched_votes_total',
  poolUsed: 'db_pool_connections_used',
  poolFree: 'db_pool_connections_free',
  poolPendingAcquires: 'db_pool_pending_acquires',
  residentMemory: 'process_resident_memory_bytes',
  eventLoopLag: 'nodejs_eventloop_lag_seconds',
} as const;

/** Metric names as anchored selectors, the form `metric_selectors` takes. */
function selectors(names: string[]): string[] {
  return names.map((name) => `^${name}$`);
}

/** The agent's EMF section: which series become metrics, in the stack's namespace, by job (and vote outcome). */
export function emfProcessor(metricNamespace: string): Record<string, unknown> {
  const { votes, ...gauges } = exportedServiceMetrics;
  const ofJob = { source_labels: ['job'], label_matcher: `^${scrapeJob}$` };
  return {
    metric_namespace: metricNamespace,
    metric_declaration_dedup: true,
    metric_unit: {
      [exportedServiceMetrics.residentMemory]: 'Bytes',
      [exportedServiceMetrics.eventLoopLag]: 'Seconds',
    },
    metric_declaration: [
      { ...ofJob, dimensions: [['job'], ['job', 'outcome']], metric_selectors: selectors([votes]) },
      { ...ofJob, dimensions: [['job']], metric_selectors: selectors(Object.values(gauges)) },
    ],
  };
}

const scrapeTiming = {
  scrape_interval: `${scrapeIntervalSeconds}s`,
  scrape_timeout: '10s',
};

/** ec2: the agent on each instance scrapes the container's metrics port, published on the loopback only. */
export function instanceScrapeConfig(): Record<string, unknown> {
  return {
    global: scrapeTiming,
    scrape_configs: [
      {
        job_name: scrapeJob,
        metrics_path: healthPaths.metrics,
        static_configs: [{ targets: [`127.0.0.1:${METRICS_PORT}`] }],
      },
    ],
  };
}

/**
 * eks: the add-on's agents discover the web pods of the service's namespace and scrape each pod's IP on the
 * metrics port (the port is not in the pod spec, so it is set here, from the contract).
 */
export function podScrapeConfig(
  namespace: string,
  webPodLabels: Record<string, string>,
): Record<string, unknown> {
  const keepLabels = Object.entries(webPodLabels).map(([label, value]) => ({
    source_labels: [`__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`],
    regex: value,
    action: 'keep',
  }));
  return {
    global: scrapeTiming,
    scrape_configs: [
      {
        job_name: scrapeJob,
        metrics_path: healthPaths.metrics,
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
          ...keepLabels,
          {
            source_labels: ['__meta_kubernetes_pod_ip'],
            regex: '(.+)',
            target_label: '__address__',
            replacement: `$1:${METRICS_PORT}`,
            action: 'replace',
          },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
        ],
      },
    ],
  };
}
