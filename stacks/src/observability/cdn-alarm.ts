import type * as pulumi from '@pulumi/pulumi';
import type { AlarmSpec } from './alarm-spec';

/**
 * The CDN's 5xx rate. CloudFront publishes AWS/CloudFront 5xxErrorRate (a percentage) by DistributionId and
 * Region=Global in us-east-1 only
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html),
 * so its alarm and the topic it notifies live there.
 */
export function cdnAlarm(distributionId: pulumi.Input<string>, errorRatePercent: number): AlarmSpec {
  return {
    slug: 'cdn-5xx',
    summary: `More than ${errorRatePercent}% of the CDN's responses are 5xx.`,
    measure: {
      metric: {
        namespace: 'AWS/CloudFront',
        metricName: '5xxErrorRate',
        dimensions: { DistributionId: distributionId, Region: 'Global' },
      },
      statistic: 'Average',
    },
    comparison: 'GreaterThanThreshold',
    threshold: errorRatePercent,
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    missingData: 'notBreaching',
  };
}
