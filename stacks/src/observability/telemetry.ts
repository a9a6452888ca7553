import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../config';
import type { AccessLogSource } from './access-log';

/** What each platform tells the Monitoring tier about itself. */
export type PlatformTelemetry =
  | {
      kind: 'ec2';
      loadBalancer: pulumi.Output<string>;
      targetGroup: pulumi.Output<string>;
      autoScalingGroupName: pulumi.Output<string>;
      accessLog: AccessLogSource;
    }
  | {
      kind: 'eks';
      clusterName: pulumi.Output<string>;
      /** The NLB in front of the ingress controller (its ARN suffix, the CloudWatch dimension value). */
      loadBalancer: pulumi.Output<string>;
      namespace: string;
      serviceName: string;
      accessLog: AccessLogSource;
    };

/** The stack's own CloudWatch namespace: access log metrics and the service's scraped metrics. */
export function metricNamespace(config: Pick<StackConfig, 'project' | 'stack'>): string {
  return `${config.project}/${config.stack}`;
}
