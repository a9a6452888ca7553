import type * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** One CloudWatch metric: its namespace, name and the dimensions that pick one series of it. */
export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
}

/** `Average`, `Minimum`, `Maximum`, `Sum` or a percentile such as `p99`. */
export type Statistic = 'Average' | 'Minimum' | 'Maximum' | 'Sum' | `p${number}`;

/**
 * What an alarm watches: one metric's statistic, one count as a percentage of another (both summed), or a
 * CloudWatch Metrics Insights query that reduces several series to one (for series whose dimensions the
 * program cannot name, such as the target groups Kubernetes makes).
 */
export type Measure =
  | { metric: MetricRef; statistic: Statistic }
  | { percentOf: { part: MetricRef; whole: MetricRef } }
  | { query: pulumi.Input<string> };

/**
 * What to make of a period without data, chosen per alarm: counts of bad events are absent when nothing went
 * wrong (`notBreaching`); health and capacity figures are absent only when what reports them is gone
 * (`breaching`); utilisation keeps the last state (`missing`).
 */
export type MissingData = 'breaching' | 'notBreaching' | 'missing';

/** An alarm as data: the Monitoring tier turns each into a MetricAlarm acting on the stack's topic. */
export interface AlarmSpec {
  /** Names the alarm (`<project>-<stack>-<slug>`) and its section of docs/runbook.md. */
  slug: string;
  /** One sentence: what is wrong when it fires. */
  summary: string;
  measure: Measure;
  comparison: 'GreaterThanThreshold' | 'LessThanThreshold';
  threshold: number;
  periodSeconds: number;
  /** Fires when `datapointsToAlarm` of the last `evaluationPeriods` periods breach. */
  evaluationPeriods: number;
  datapointsToAlarm: number;
  missingData: MissingData;
}

/** The path of an alarm's runbook section, as its description gives it. */
export function runbookLink(slug: string): string {
  return `docs/runbook.md#${slug}`;
}

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
export function measuredBy(spec: AlarmSpec): aws.cloudwatch.MetricAlarmArgs {
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
  if ('query' in measure) {
    return {
      metricQueries: [{ id: 'q', expression: measure.query, period: spec.periodSeconds, returnData: true }],
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
