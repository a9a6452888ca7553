import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { emfProcessor, podScrapeConfig } from '../observability/service-metrics';
import type { Tags } from '../tags';
import type { AddonVersionChoice } from './addon-versions';
import { serviceRole } from './iam';

/**
 * Amazon's CloudWatch Observability add-on: Container Insights with enhanced observability (the CloudWatch
 * agent as a DaemonSet) and Fluent Bit shipping every container's stdout to CloudWatch Logs
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Observability-EKS-addon.html).
 * The add-on takes the Helm chart's values as its configuration (aws-observability/helm-charts,
 * charts/amazon-cloudwatch-observability): `agent.config` replaces the agent's default configuration,
 * `agent.prometheus.config` is the scrape config the operator mounts at /etc/prometheusconfig/prometheus.yaml,
 * and the target allocator shares the scrape targets among the DaemonSet's agents.
 */
export const observabilityAddonName = 'amazon-cloudwatch-observability';
/** The service account the add-on's agents and Fluent Bit run as. */
const agentServiceAccount = 'cloudwatch-agent';
const prometheusConfigPath = '/etc/prometheusconfig/prometheus.yaml';

/** The groups the add-on writes to, under /aws/containerinsights/<cluster>/. */
export const containerInsightsLogGroups = [
  'application',
  'dataplane',
  'host',
  'performance',
  'prometheus',
] as const;

export interface ContainerInsightsArgs {
  cluster: aws.eks.Cluster;
  /** The stack's metric namespace, for the service's scraped metrics. */
  metricNamespace: string;
  /** The service's namespace and the labels of its web pods: what the agents scrape. */
  workloadNamespace: string;
  webPodLabels: Record<string, string>;
  logRetentionDays: number;
  /** The agents are a DaemonSet: they need nodes (and the pod identity agent) first. */
  after: pulumi.Resource[];
  addonVersions: AddonVersionChoice;
  tags: Tags;
}

/** The add-on's configuration: Container Insights, the service's metrics, container logs; no Application Signals. */
export function containerInsightsConfiguration(
  args: Pick<ContainerInsightsArgs, 'metricNamespace' | 'workloadNamespace' | 'webPodLabels'>,
): object {
  return {
    agent: {
      config: {
        logs: {
          metrics_collected: {
            kubernetes: { enhanced_container_insights: true },
            prometheus: {
              prometheus_config_path: prometheusConfigPath,
              emf_processor: emfProcessor(args.metricNamespace),
            },
          },
        },
      },
      prometheus: {
        config: podScrapeConfig(args.workloadNamespace, args.webPodLabels),
        targetAllocator: { enabled: true },
      },
    },
    containerLogs: { enabled: true },
  };
}

/**
 * The add-on with its own role (EKS Pod Identity, through the pod identity agent add-on) and the log groups it
 * would otherwise create without a retention.
 */
export class ContainerInsights extends pulumi.ComponentResource {
  /** Every container's stdout, the service's JSON lines parsed under `log_processed`. */
  readonly applicationLogGroupName: pulumi.Output<string>;
  readonly addon: aws.eks.Addon;

  constructor(name: string, args: ContainerInsightsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('polls:eks:ContainerInsights', name, {}, opts);
    const parent = { parent: this };
    const { cluster, tags } = args;

    const { role, policyAttachments } = serviceRole(
      `${name}-agent-role`,
      {
        service: 'pods.eks.amazonaws.com',
        tagSession: true,
        managedPolicies: ['CloudWatchAgentServerPolicy'],
        description: 'CloudWatch agent and Fluent Bit of the CloudWatch Observability add-on',
        tags,
      },
      parent,
    );

    const logGroups = containerInsightsLogGroups.map(
      (kind) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${kind}-logs`,
          {
            name: pulumi.interpolate`/aws/containerinsights/${cluster.name}/${kind}`,
            retentionInDays: args.logRetentionDays,
            tags,
          },
          parent,
        ),
    );

    this.addon = new aws.eks.Addon(
      `${name}-addon`,
      {
        clusterName: cluster.name,
        addonName: observabilityAddonName,
        addonVersion: args.addonVersions.versionOf(observabilityAddonName, this),
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        configurationValues: JSON.stringify(containerInsightsConfiguration(args)),
        podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: agentServiceAccount }],
        tags,
      },
      { parent: this, dependsOn: [...args.after, ...logGroups, ...policyAttachments] },
    );
    this.applicationLogGroupName = logGroups[0]!.name;
    this.registerOutputs({ applicationLogGroupName: this.applicationLogGroupName });
  }
}
