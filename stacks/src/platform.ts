import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config';
import type { Database } from './database';
import type { PlatformTelemetry } from './observability/telemetry';
import type { Network } from './network';
import type { Registry } from './registry';
import type { AppSecrets } from './secrets';
import type { Tags } from './tags';

/** What every platform (ec2, eks) is built from: the validated config and the shared tiers. */
export interface PlatformArgs {
  config: StackConfig;
  /** The image to run, checked present by index.ts (the first deploy runs without one). */
  image: string;
  network: Network;
  registry: Registry;
  database: Database;
  appSecrets: AppSecrets;
  tags: Tags;
}

/** How a platform rolls out a new image, so the pipeline can wait for it (stacks/pipeline/rollout.ts). */
export type Rollout =
  | { kind: 'instance-refresh'; autoScalingGroupName: string }
  | { kind: 'deployment'; namespace: string; deployment: string };

/** What index.ts exports from a platform. */
export interface PlatformOutputs {
  /** Where users reach the site: https://domain when a domain is set, otherwise the load balancer's http URL. */
  url: pulumi.Output<string>;
  rollout: pulumi.Output<Rollout>;
  /** What the Monitoring tier watches: the platform's metrics, dimensions and access log. */
  telemetry: PlatformTelemetry;
}

/** The stack outputs docs/architecture.md promises. */
export interface StackOutputs {
  /** Absent until the first image is deployed. */
  url?: pulumi.Output<string>;
  /** The image the platform runs; the next `pulumi up` without polls:image keeps it (last-deploy.ts). */
  image?: string;
  platform: string;
  /** The zones the network spans; a later deploy may not change it (last-deploy.ts). */
  azCount: number;
  repositoryUrl: pulumi.Output<string>;
  dbEndpoint: pulumi.Output<string>;
  rollout?: pulumi.Output<Rollout>;
  /** eks only, as a secret. */
  kubeconfig?: pulumi.Output<string>;
  /** The stack's CloudWatch dashboard (absent until the first image is deployed). */
  dashboardUrl?: pulumi.Output<string>;
  /** The SNS topic every alarm notifies: subscribe chat or paging endpoints to it (docs/runbook.md). */
  alertTopicArn?: pulumi.Output<string>;
}
