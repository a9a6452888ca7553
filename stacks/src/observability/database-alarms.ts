import type * as pulumi from '@pulumi/pulumi';
import type { AlarmSpec, MetricRef } from './alarm-spec';
import { bytesOfGib, estimatedMaxConnections } from './database-capacity';

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
    {
      slug: 'database-free-storage',
      summary: `Database free storage below ${settings.freeStoragePercent}% of the ${settings.allocatedStorageGb} GiB allocated.`,
      measure: { metric: rds('FreeStorageSpace', settings), statistic: 'Minimum' },
      comparison: 'LessThanThreshold',
      threshold: Math.round(bytesOfGib(settings.allocatedStorageGb) * (settings.freeStoragePercent / 100)),
      ...fiveMinutes,
      missingData: 'breaching',
    },
    {
      slug: 'database-freeable-memory',
      summary: `Database freeable memory below ${settings.freeableMemoryPercent}% of the class's ${settings.memoryGib} GiB.`,
      measure: { metric: rds('FreeableMemory', settings), statistic: 'Minimum' },
      comparison: 'LessThanThreshold',
      threshold: Math.round(bytesOfGib(settings.memoryGib) * (settings.freeableMemoryPercent / 100)),
      ...fiveMinutes,
      missingData: 'breaching',
    },
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
