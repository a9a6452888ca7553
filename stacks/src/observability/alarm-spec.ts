import type * as pulumi from '@pulumi/pulumi';

/** One CloudWatch metric: its namespace, name and the dimensions that pick one series of it. */
export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
}

/** `Average`, `Minimum`, `Maximum`, `Sum` or a percentile such as `p99`. */
export type Statistic = 'Average' | 'Minimum' | 'Maximum' | 'Sum' | `p${number}`;

/** What an alarm watches: one metric's statistic, or one count as a percentage of another (both summed). */
export type Measure =
  { metric: MetricRef; statistic: Statistic } | { percentOf: { part: MetricRef; whole: MetricRef } };

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
