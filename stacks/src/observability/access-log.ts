import type * as pulumi from '@pulumi/pulumi';
import type { AlarmSpec, MetricRef } from './alarm-spec';

/**
 * Where the service's JSON access lines (pino: `msg` "request", `method`, `path`, `status`, `durationMs`,
 * `requestId`) land in CloudWatch Logs. On ec2 the awslogs driver writes each line as the event itself; on eks
 * Fluent Bit wraps it and, with `Merge_Log On` and `Merge_Log_Key log_processed` in the add-on's
 * application-log.conf (aws-observability/helm-charts, charts/amazon-cloudwatch-observability/values.yaml),
 * puts the parsed fields under `log_processed` next to `kubernetes.namespace_name`.
 */
export interface AccessLogSource {
  logGroupName: pulumi.Input<string>;
  fieldPrefix: '' | 'log_processed.';
  /** Narrows a group shared with other workloads (eks: the cluster's application logs) to the service. */
  scope?: { field: string; value: string };
}

/** Metrics the metric filters publish in the stack's own namespace, one data point per access line. */
export const accessLogMetrics = {
  requests: 'Requests',
  serverErrors: 'ServerErrors',
  /** Milliseconds, from `durationMs`; data points carry the raw values, so percentiles can be taken. */
  duration: 'RequestDuration',
} as const;

export interface AccessLogFilter {
  suffix: string;
  metricName: string;
  pattern: string;
  value: string;
  unit: 'Count' | 'Milliseconds';
}

function conditions(source: AccessLogSource, ...more: string[]): string[] {
  const scope = source.scope ? [`$.${source.scope.field} = "${source.scope.value}"`] : [];
  return [...scope, `$.${source.fieldPrefix}msg = "request"`, ...more];
}

function jsonPattern(terms: string[]): string {
  return `{ ${terms.map((term) => `(${term})`).join(' && ')} }`;
}

/** Metric filters over the access lines (JSON filter pattern syntax of CloudWatch Logs). */
export function accessLogFilters(source: AccessLogSource): AccessLogFilter[] {
  const field = (name: string) => `$.${source.fieldPrefix}${name}`;
  return [
    {
      suffix: 'requests',
      metricName: accessLogMetrics.requests,
      pattern: jsonPattern(conditions(source)),
      value: '1',
      unit: 'Count',
    },
    {
      suffix: 'server-errors',
      metricName: accessLogMetrics.serverErrors,
      pattern: jsonPattern(conditions(source, `${field('status')} >= 500`)),
      value: '1',
      unit: 'Count',
    },
    {
      suffix: 'duration',
      metricName: accessLogMetrics.duration,
      pattern: jsonPattern(conditions(source)),
      value: field('durationMs'),
      unit: 'Milliseconds',
    },
  ];
}

export interface SavedQuery {
  suffix: string;
  title: string;
  query: string;
}

/**
 * Splits a path into the route it was served by: `/polls/7/vote/` is area `polls`, action `vote`; ids never
 * become groups. The access line carries the path, not the route template the metrics use.
 */
export const routeParse = String.raw`/^\/(?<area>[a-z]*)\/?(?:\d+\/?)?(?<action>[a-z]*)/`;

/** Logs Insights queries saved per stack: what the runbook sends an operator to first. */
export function savedQueries(source: AccessLogSource, slowRequestMs: number): SavedQuery[] {
  const p = source.fieldPrefix;
  const scope = source.scope ? ` and ${source.scope.field} = "${source.scope.value}"` : '';
  const accessLines = `filter ${p}msg = "request"${scope}`;
  return [
    {
      suffix: 'server-errors-by-route',
      title: '5xx by route',
      query: [
        `${accessLines} and ${p}status >= 500`,
        `parse ${p}path ${routeParse}`,
        `stats count(*) as errors by ${p}method, area, action, ${p}status`,
        'sort errors desc',
        'limit 50',
      ].join('\n| '),
    },
    {
      suffix: 'latency-by-route',
      title: 'Requests and latency by route',
      query: [
        accessLines,
        `parse ${p}path ${routeParse}`,
        `stats count(*) as requests, pct(${p}durationMs, 50) as p50, pct(${p}durationMs, 99) as p99 by ${p}method, area, action`,
        'sort requests desc',
      ].join('\n| '),
    },
    {
      suffix: 'slow-requests',
      title: `Requests slower than ${slowRequestMs} ms`,
      query: [
        `${accessLines} and ${p}durationMs > ${slowRequestMs}`,
        `fields @timestamp, ${p}requestId, ${p}method, ${p}path, ${p}status, ${p}durationMs`,
        `sort ${p}durationMs desc`,
        'limit 100',
      ].join('\n| '),
    },
    {
      suffix: 'errors',
      title: 'Errors logged by the service',
      query: [
        `filter ${p}level >= 50${scope}`,
        `fields @timestamp, ${p}msg, ${p}requestId, ${p}err.message`,
        'sort @timestamp desc',
        'limit 100',
      ].join('\n| '),
    },
  ];
}

export interface ServiceAlarmSettings {
  /** The stack's own metric namespace. */
  namespace: string;
  errorRatePercent: number;
  latencyP99Ms: number;
}

function accessMetric(namespace: string, metricName: string): MetricRef {
  return { namespace, metricName, dimensions: {} };
}

/**
 * The service's 5xx rate and p99 latency from its own access lines: where no ALB measures them (eks, whose
 * NLB sees TCP only).
 */
export function accessLogAlarms(settings: ServiceAlarmSettings): AlarmSpec[] {
  const { namespace } = settings;
  return [
    {
      slug: 'targets-5xx',
      summary: `More than ${settings.errorRatePercent}% of the service's responses are 5xx.`,
      measure: {
        percentOf: {
          part: accessMetric(namespace, accessLogMetrics.serverErrors),
          whole: accessMetric(namespace, accessLogMetrics.requests),
        },
      },
      comparison: 'GreaterThanThreshold',
      threshold: settings.errorRatePercent,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      missingData: 'notBreaching',
    },
    {
      slug: 'latency-p99',
      summary: `The service's 99th-percentile response time is above ${settings.latencyP99Ms} ms.`,
      measure: { metric: accessMetric(namespace, accessLogMetrics.duration), statistic: 'p99' },
      comparison: 'GreaterThanThreshold',
      threshold: settings.latencyP99Ms,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      missingData: 'notBreaching',
    },
  ];
}
