import type * as pulumi from '@pulumi/pulumi';
import type { AlarmSpec, MetricRef } from './alarm-spec';
import { bytesOfGib, estimatedMaxConnections } from '../database-capacity';

export interface DatabaseAlarmSettings {
  instanceIdentifier: pulumi.Input<string>;
  allocatedStorageGb: number;
  memoryGib: number;
  cpuPercent: number;
  freeStoragePercent: number;
  freeableMemoryPercent: number;
  connectionsPercent: number;
}

/**
 * AWS/RDS publishes these per instance under the DBInstanceIdentifier dimension, every minute:
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html. The stack has no read replica, so
 * there is no ReplicaLag to watch (docs/runbook.md says what to add with one).
 */
function rds(metricName: string, settings: DatabaseAlarmSettings): MetricRef {
  return {
    namespace: 'AWS/RDS',
    metricName,
    dimensions: { DBInstanceIdentifier: settings.instanceIdentifier },
  };
}

export function databaseAlarms(settings: DatabaseAlarmSettings): AlarmSpec[] {
  const fiveMinutes = { periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: 3 };
  /** Bytes left (storage, memory) below a share of the total the instance has, for 15 minutes. */
  const shareBelow = (
    slug: string,
    summary: string,
    metricName: string,
    totalGib: number,
    percent: number,
  ): AlarmSpec => ({
    slug,
    summary,
    measure: { metric: rds(metricName, settings), statistic: 'Minimum' },
    comparison: 'LessThanThreshold',
    threshold: Math.round(bytesOfGib(totalGib) * (percent / 100)),
    ...fiveMinutes,
    missingData: 'breaching',
  });
  return [
    {
      slug: 'database-cpu',
      summary: `Database CPU above ${settings.cpuPercent}% for 15 minutes.`,
      measure: { metric: rds('CPUUtilization', settings), statistic: 'Average' },
      comparison: 'GreaterThanThreshold',
      threshold: settings.cpuPercent,
      ...fiveMinutes,
      missingData: 'missing',
    },
    shareBelow(
      'database-free-storage',
      `Database free storage below ${settings.freeStoragePercent}% of the ${settings.allocatedStorageGb} GiB allocated.`,
      'FreeStorageSpace',
      settings.allocatedStorageGb,
      settings.freeStoragePercent,
    ),
    shareBelow(
      'database-freeable-memory',
      `Database freeable memory below ${settings.freeableMemoryPercent}% of the class's ${settings.memoryGib} GiB.`,
      'FreeableMemory',
      settings.memoryGib,
      settings.freeableMemoryPercent,
    ),
    {
      slug: 'database-connections',
      summary: `Database connections above ${settings.connectionsPercent}% of the class's default max_connections.`,
      measure: { metric: rds('DatabaseConnections', settings), statistic: 'Maximum' },
      comparison: 'GreaterThanThreshold',
      threshold: Math.floor(
        estimatedMaxConnections(settings.memoryGib) * (settings.connectionsPercent / 100),
      ),
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      missingData: 'missing',
    },
  ];
}
